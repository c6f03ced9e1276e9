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
});
