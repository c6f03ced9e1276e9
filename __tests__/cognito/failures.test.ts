import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ConfigurationError } from '../../lib';
import { AuthError, CognitoServiceError } from '../../lib/cognito';
import { ALICE, cognitoWorld, fakeDateOnly } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

let world: CognitoWorld | undefined;
afterEach(async () => {
  jest.useRealTimers();
  await world?.close();
  world = undefined;
});

const signInError = (w: CognitoWorld) =>
  w.auth.signIn(ALICE.username, ALICE.password).catch((e: unknown) => e);

describe("typed errors keep Cognito's words and say what to change", () => {
  it('a wrong client id: ConfigurationError quoting Cognito, naming `clientId`', async () => {
    world = await cognitoWorld({}, { clientId: 'notaclientofthispool' });
    const error = await signInError(world);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/"User pool client does not exist\.".*`clientId`/),
    });
  });

  it.each([
    [
      'a PreAuthentication Lambda refusal',
      'UserLambdaValidationException',
      'PreAuthentication failed with error Outside office hours.',
      AuthError,
      'ERR_REFUSED_BY_TRIGGER',
      /PreAuthentication failed with error Outside office hours\..*Lambda trigger/,
    ],
    [
      'a flow the app client does not allow',
      'InvalidParameterException',
      'USER_SRP_AUTH flow not enabled for this client',
      ConfigurationError,
      'ERR_CONFIGURATION',
      /"USER_SRP_AUTH flow not enabled for this client".*ALLOW_USER_SRP_AUTH.*`authFlow`/,
    ],
    [
      'a required password reset',
      'PasswordResetRequiredException',
      'Password reset required for the user',
      AuthError,
      'ERR_PASSWORD_RESET_REQUIRED',
      /"Password reset required for the user".*forgotPassword/,
    ],
  ])('%s', async (_, type, message, kind, code, words) => {
    world = await cognitoWorld();
    world.cognito.fail({ operation: 'InitiateAuth', error: type, message });
    const error = await signInError(world);
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ code, message: expect.stringMatching(words) });
  });

  it('a refusal at the refresh keeps its words too (a Lambda trigger at token generation)', async () => {
    world = await cognitoWorld();
    const start = Date.now();
    fakeDateOnly(start);
    await world.auth.signIn(ALICE.username, ALICE.password);
    jest.setSystemTime(start + 56 * 60_000); // within the 5-minute margin of 60-minute tokens
    world.cognito.fail({
      operation: 'InitiateAuth',
      error: 'UserLambdaValidationException',
      message: 'PreTokenGeneration failed with error Account frozen.',
    });
    const error: unknown = await world.auth.getIdToken().catch((e: unknown) => e);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
    expect(error).toBeInstanceOf(CognitoServiceError);
    expect(error).toMatchObject({ message: expect.stringContaining('Account frozen') });
  });

  it('"Token expired" at the identity pool says so, and points at the clock', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    world.cognito.fail({
      operation: 'GetId',
      error: 'NotAuthorizedException',
      message: 'Invalid login token. Token expired: 1700000600 >= 1700000000',
    });
    const error: unknown = await world.auth.credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitoServiceError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/"Invalid login token\. Token expired.*clock/),
    });
    expect((error as Error).message).not.toMatch(/authentication providers/);
  });

  describe('a wrong user pool id is not a wrong password', () => {
    /**
     * Cognito in front of the emulator: its JSON calls go to the emulator, and the public key
     * set answers as Cognito's does: 200 for the pool, 404 for a pool that does not exist.
     */
    async function withKeySet(w: CognitoWorld) {
      const server = createServer((incoming, outgoing) => {
        if (incoming.method === 'GET') {
          const known = incoming.url === `/${w.cognito.userPoolId}/.well-known/jwks.json`;
          outgoing.writeHead(known ? 200 : 404, { 'Content-Type': 'application/json' });
          outgoing.end(known ? '{"keys":[]}' : '{"message":"User pool does not exist."}');
          return;
        }
        const target = new URL(w.cognito.url);
        const forward = request(
          {
            hostname: target.hostname,
            port: target.port,
            method: 'POST',
            path: '/',
            headers: incoming.headers,
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        incoming.pipe(forward);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    }

    it('SRP with a user pool id that does not exist: a ConfigurationError naming `userPoolId`', async () => {
      world = await cognitoWorld();
      const front = await withKeySet(world);
      try {
        const auth = world.newAuth({
          userPoolId: 'us-east-1_NoSuchPool',
          endpoints: { userPool: front.url, identity: world.cognito.url },
        });
        const error: unknown = await auth
          .signIn(ALICE.username, ALICE.password)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigurationError);
        expect(error).toMatchObject({
          message: expect.stringMatching(/no user pool us-east-1_NoSuchPool: check `userPoolId`/),
        });
        // The right pool, a wrong password: still ERR_WRONG_PASSWORD.
        const right = world.newAuth({
          endpoints: { userPool: front.url, identity: world.cognito.url },
        });
        await expect(right.signIn(ALICE.username, 'not the password')).rejects.toMatchObject({
          code: 'ERR_WRONG_PASSWORD',
        });
      } finally {
        await front.close();
      }
    });

    it('when the pool cannot be looked up, a refused proof stays ERR_WRONG_PASSWORD', async () => {
      world = await cognitoWorld({}, { userPoolId: 'us-east-1_NoSuchPool' });
      // The emulator itself has no key set to ask: nothing can be told, nothing is claimed.
      await expect(world.auth.signIn(ALICE.username, ALICE.password)).rejects.toMatchObject({
        code: 'ERR_WRONG_PASSWORD',
      });
    });
  });
});
