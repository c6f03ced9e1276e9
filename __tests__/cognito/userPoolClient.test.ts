import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';

import { Sha256 } from '@aws-crypto/sha256-js';
import * as fc from 'fast-check';

import { ConfigurationError } from '../../lib';
import { createTransport } from '../../lib/cognito/transport';
import { createUserPoolClient, secretHash } from '../../lib/cognito/userPoolClient';
import { ALICE, cognitoWorld } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

let world: CognitoWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SECRET = 'k9s8d7f6g5h4j3k2l1q0w9e8r7t6y5u4i3o2p1a0s9d8f7g6h5';

describe('secretHash', () => {
  it('is base64(HMAC-SHA256(clientSecret, username ‖ clientId)), unicode names included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1 }),
        fc.string({ unit: 'binary', minLength: 1 }),
        fc.stringMatching(/^[a-z0-9]{1,26}$/),
        async (secret, username, clientId) => {
          const expected = createHmac('sha256', secret)
            .update(`${username}${clientId}`)
            .digest('base64');
          expect(await secretHash(secret, username, clientId)).toBe(expected);
          expect(await secretHash(secret, username, clientId, Sha256)).toBe(expected);
        },
      ),
      { numRuns: 50 },
    );
    expect(await secretHash(undefined, 'alice', 'client')).toBeUndefined();
  });
});

describe('createUserPoolClient', () => {
  it('one function per operation, each with the client id (and SECRET_HASH when there is a secret)', async () => {
    world = await cognitoWorld({ clientSecret: SECRET });
    const client = createUserPoolClient({
      transport: createTransport({ timeoutMs: 2000, retry: { retries: 0, baseDelayMs: 0 } }),
      endpoint: world.cognito.url,
      clientId: world.cognito.clientId,
      clientSecret: SECRET,
    });
    const answer = await client.initiateAuth(
      'Signing in',
      'USER_PASSWORD_AUTH',
      { USERNAME: ALICE.username, PASSWORD: ALICE.password },
      ALICE.username,
    );
    const refreshToken = answer.AuthenticationResult?.RefreshToken ?? '';
    const refreshed = await client.initiateAuth(
      'Refreshing',
      'REFRESH_TOKEN_AUTH',
      { REFRESH_TOKEN: refreshToken },
      ALICE.username,
    );
    expect(refreshed.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(await client.forgotPassword(ALICE.username)).toMatchObject({ DeliveryMedium: 'SMS' });
    const code = world.cognito.lastCode(ALICE.username) ?? '';
    await client.confirmForgotPassword(ALICE.username, code, 'another long password');
    await client.globalSignOut(refreshed.AuthenticationResult?.AccessToken ?? '');
    expect(world.cognito.calls.map((c) => `${c.operation}:${c.status}`)).toEqual([
      'InitiateAuth:200',
      'InitiateAuth:200',
      'ForgotPassword:200',
      'ConfirmForgotPassword:200',
      'GlobalSignOut:200',
    ]);
  });
});

describe('createCognitoAuth with an app client that has a secret', () => {
  it.each(['USER_SRP_AUTH', 'USER_PASSWORD_AUTH'] as const)(
    '%s: signs in, refreshes and resets passwords with `clientSecret`',
    async (authFlow) => {
      world = await cognitoWorld({ clientSecret: SECRET }, { authFlow, clientSecret: SECRET });
      await world.auth.signIn(ALICE.username, ALICE.password);
      const response = await world.api.get('/notes');
      expect(response.status).toBe(200);
      await world.auth.forgotPassword(ALICE.username);
      expect(inspect(world.auth)).not.toContain(SECRET);
    },
  );

  it('without `clientSecret`: a ConfigurationError naming the client secret, not a wrong password', async () => {
    world = await cognitoWorld({ clientSecret: SECRET });
    const error: unknown = await world.auth
      .signIn(ALICE.username, ALICE.password)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      code: 'ERR_CONFIGURATION',
      message: expect.stringMatching(
        /configured for secret but secret was not received.*has a client secret.*`clientSecret`/,
      ),
    });
  });

  it("a wrong `clientSecret`: Cognito's words and what to change", async () => {
    world = await cognitoWorld({ clientSecret: SECRET }, { clientSecret: 'not the secret' });
    const error: unknown = await world.auth
      .signIn(ALICE.username, ALICE.password)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_CONFIGURATION',
      message: expect.stringMatching(/Unable to verify secret hash.*`clientSecret` is not/),
    });
    expect(inspect(error)).not.toContain('not the secret');
  });
});
