import { inspect } from 'node:util';

import { ApigSignerError, ConfigurationError } from '../../lib';
import {
  AuthError,
  CognitoServiceError,
  NotSignedInError,
  SessionExpiredError,
  createCognitoAuth,
  createMemoryStorage,
} from '../../lib/cognito';
import type { SignInResult } from '../../lib/cognito';
import { ALICE, cognitoWorld, fakeDateOnly } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

const MINUTE = 60_000;

let world: CognitoWorld;
afterEach(async () => {
  jest.useRealTimers();
  await world.close();
});

async function signedInCall(w: CognitoWorld) {
  const response = await w.api.get('/notes');
  expect(response.status).toBe(200);
  const last = w.gateway.requests.at(-1)!;
  expect(last.verdict).toMatchObject({ accepted: true, sessionTokenSigned: true });
  return last;
}

describe('createCognitoAuth: sign-in', () => {
  it('a request made while signIn() is still running is told to await it, not to call signIn()', async () => {
    world = await cognitoWorld();
    const signingIn = world.auth.signIn(ALICE.username, ALICE.password);
    const early: unknown = await world.auth.credentials().catch((e: unknown) => e);
    expect(early).toBeInstanceOf(NotSignedInError);
    expect((early as Error).message).toMatch(/a signIn\(\) is still running\. Await it/);
    await signingIn;
    world.auth.credentials.invalidate();
    await expect(world.auth.credentials()).resolves.toMatchObject({
      accessKeyId: expect.stringMatching(/^ASIA/) as unknown,
    });
    world.auth.signOut();
    const after: unknown = await world.auth.credentials().catch((e: unknown) => e);
    expect((after as Error).message).toMatch(/call signIn\(\) first/);
  });

  it('signs in with SRP, gets identity-pool credentials, and signs API requests with them', async () => {
    world = await cognitoWorld();
    const result = await world.auth.signIn(ALICE.username, ALICE.password);
    expect(result).toEqual({ username: 'alice' });
    expect(world.auth.username).toBe('alice');
    const request = await signedInCall(world);
    expect(request.verdict.accessKeyId).toMatch(/^ASIA/);
    expect(
      world.cognito.calls.map((c) => `${c.operation}${c.detail ? `:${c.detail}` : ''}`),
    ).toEqual([
      'InitiateAuth:USER_SRP_AUTH',
      'RespondToAuthChallenge:PASSWORD_VERIFIER',
      'GetId',
      'GetCredentialsForIdentity',
    ]);
  });

  it('signs in with USER_PASSWORD_AUTH when configured', async () => {
    world = await cognitoWorld({}, { authFlow: 'USER_PASSWORD_AUTH' });
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect(world.cognito.count('InitiateAuth', 'USER_PASSWORD_AUTH')).toBe(1);
    expect(world.cognito.count('RespondToAuthChallenge')).toBe(0);
    await signedInCall(world);
  });

  it.each(['USER_SRP_AUTH', 'USER_PASSWORD_AUTH'] as const)(
    'a wrong password is refused (%s: the emulator verifies the proof)',
    async (authFlow) => {
      world = await cognitoWorld({}, { authFlow });
      const error: unknown = await world.auth
        .signIn('alice', 'wrong password')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'ERR_WRONG_PASSWORD' });
      expect(inspect(error)).not.toContain('wrong password');
      expect(world.auth.username).toBeUndefined();
    },
  );

  it('an unknown user, an unconfirmed user and too many attempts are typed errors', async () => {
    world = await cognitoWorld({
      maxFailedAttempts: 2,
      users: [{ ...ALICE }, { username: 'bob', password: 'bob password', confirmed: false }],
    });
    await expect(world.auth.signIn('nobody', 'x')).rejects.toMatchObject({
      code: 'ERR_USER_NOT_FOUND',
    });
    await expect(world.auth.signIn('bob', 'bob password')).rejects.toMatchObject({
      code: 'ERR_USER_NOT_CONFIRMED',
    });
    await expect(world.auth.signIn('alice', 'bad 1')).rejects.toMatchObject({
      code: 'ERR_WRONG_PASSWORD',
    });
    await expect(world.auth.signIn('alice', 'bad 2')).rejects.toMatchObject({
      code: 'ERR_WRONG_PASSWORD',
    });
    await expect(world.auth.signIn('alice', ALICE.password)).rejects.toMatchObject({
      code: 'ERR_TOO_MANY_ATTEMPTS',
    });
  });

  it('answers NEW_PASSWORD_REQUIRED, then the new password works', async () => {
    world = await cognitoWorld({
      users: [
        {
          username: 'carol',
          password: 'temporary1',
          newPasswordRequired: true,
          requiredAttributes: ['name'],
          attributes: { email: 'carol@example.com' },
        },
      ],
    });
    const first = await world.auth.signIn('carol', 'temporary1');
    expect(first.challenge).toMatchObject({
      name: 'NEW_PASSWORD_REQUIRED',
      requiredAttributes: ['name'],
      userAttributes: { email: 'carol@example.com' },
    });
    if (first.challenge?.name !== 'NEW_PASSWORD_REQUIRED') throw new Error('unreachable');
    await expect(first.challenge.answer('short', { name: 'Carol' })).rejects.toMatchObject({
      code: 'ERR_INVALID_PASSWORD',
      passwordRule: 'length',
      message: expect.stringContaining('too short'),
    });
    const done = await first.challenge.answer('a new long password', { name: 'Carol' });
    expect(done).toEqual({ username: 'carol' });
    await signedInCall(world);
    world.auth.signOut();
    await expect(world.auth.signIn('carol', 'a new long password')).resolves.toEqual({
      username: 'carol',
    });
  });

  it('NEW_PASSWORD_REQUIRED: missing required attributes are named, before anything is sent', async () => {
    world = await cognitoWorld({
      users: [
        {
          username: 'carol',
          password: 'temporary1',
          newPasswordRequired: true,
          requiredAttributes: ['name', 'address', 'email'],
          attributes: { email: 'carol@example.com' },
        },
      ],
    });
    const first = await world.auth.signIn('carol', 'temporary1');
    if (first.challenge?.name !== 'NEW_PASSWORD_REQUIRED') throw new Error('unreachable');
    const error = await first.challenge
      .answer('a new long password', { name: 'Carol' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      code: 'ERR_MISSING_ATTRIBUTES',
      missingAttributes: ['address'],
      message: expect.stringContaining('address'),
    });
    expect(world.cognito.count('RespondToAuthChallenge', 'NEW_PASSWORD_REQUIRED')).toBe(0);
  });

  it("NEW_PASSWORD_REQUIRED: Cognito's own 'is missing' answer names the attributes too", async () => {
    world = await cognitoWorld({
      users: [
        {
          username: 'carol',
          password: 'temporary1',
          newPasswordRequired: true,
          requiredAttributes: ['name', 'address'],
        },
      ],
    });
    // A pool that does not list its required attributes in the challenge, acted out on the wire.
    const original = globalThis.fetch;
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await original(input, init);
      const body = (await response.json()) as Record<string, Record<string, string> | undefined>;
      if (body['ChallengeParameters']?.['requiredAttributes'] !== undefined) {
        body['ChallengeParameters']['requiredAttributes'] = '[]';
      }
      return new Response(JSON.stringify(body), {
        status: response.status,
        headers: response.headers,
      });
    });
    try {
      const first = await world.auth.signIn('carol', 'temporary1');
      if (first.challenge?.name !== 'NEW_PASSWORD_REQUIRED') throw new Error('unreachable');
      await expect(first.challenge.answer('a new long password')).rejects.toMatchObject({
        code: 'ERR_MISSING_ATTRIBUTES',
        missingAttributes: ['name', 'address'],
        message: expect.stringContaining('name, address'),
      });
      expect(world.cognito.count('RespondToAuthChallenge', 'NEW_PASSWORD_REQUIRED')).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    [{ requireSymbols: true }, 'symbols', 'a symbol'],
    [{ requireUppercase: true }, 'uppercase', 'an upper-case letter'],
    [{ minimumLength: 30 }, 'length', 'too short'],
  ] as const)(
    'a new password the policy %p refuses names the rule (%s)',
    async (policy, rule, words) => {
      world = await cognitoWorld({
        passwordPolicy: policy,
        users: [{ username: 'carol', password: 'temporary1', newPasswordRequired: true }],
      });
      const first = await world.auth.signIn('carol', 'temporary1');
      await expect(first.challenge!.answer('a new long password')).rejects.toMatchObject({
        code: 'ERR_INVALID_PASSWORD',
        passwordRule: rule,
        message: expect.stringContaining(words),
      });
    },
  );

  it.each(['SMS_MFA', 'SOFTWARE_TOKEN_MFA'] as const)(
    'answers %s; a wrong code is a typed error',
    async (mfa) => {
      world = await cognitoWorld({ users: [{ ...ALICE, mfa, mfaCode: '424242' }] });
      const first = await world.auth.signIn(ALICE.username, ALICE.password);
      expect(first.challenge?.name).toBe(mfa);
      if (mfa === 'SMS_MFA') expect(first.challenge).toMatchObject({ destination: '+*******0100' });
      // An empty code is refused here, before any call: Cognito is not asked.
      const calls = world.cognito.calls.length;
      const empty: unknown = await first.challenge!.answer('').catch((e: unknown) => e);
      expect(empty).toBeInstanceOf(ConfigurationError);
      expect(empty).toMatchObject({ message: expect.stringContaining('answer(code)') });
      expect(world.cognito.calls).toHaveLength(calls);
      const wrong: unknown = await first.challenge!.answer('000000').catch((e: unknown) => e);
      expect(wrong).toMatchObject({ code: 'ERR_CODE_MISMATCH' });
      const again = await world.auth.signIn(ALICE.username, ALICE.password);
      const done: SignInResult = await again.challenge!.answer('424242');
      expect(done.challenge).toBeUndefined();
      await signedInCall(world);
    },
  );

  it('a challenge it does not answer is a clear error', async () => {
    world = await cognitoWorld({ users: [{ ...ALICE, mfa: 'SMS_MFA' }] });
    // A challenge apig-signer does not answer (passkeys), acted out by changing the emulator's
    // answer on the wire.
    const original = globalThis.fetch;
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await original(input, init);
      const body = (await response.json()) as Record<string, unknown>;
      if (body['ChallengeName'] === 'SMS_MFA') body['ChallengeName'] = 'WEB_AUTHN';
      return new Response(JSON.stringify(body), {
        status: response.status,
        headers: response.headers,
      });
    });
    try {
      await expect(world.auth.signIn(ALICE.username, ALICE.password)).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_CHALLENGE',
        message: expect.stringContaining('WEB_AUTHN'),
      });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createCognitoAuth: session', () => {
  it('restores the signed-in user from storage after a reload, without signing in again', async () => {
    const storage = createMemoryStorage();
    world = await cognitoWorld({}, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    await signedInCall(world);

    const reloaded = world.newAuth({ storage });
    expect(reloaded.username).toBe('alice');
    const before = world.cognito.count('InitiateAuth');
    const credentials = await reloaded.credentials();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(world.cognito.count('InitiateAuth')).toBe(before);
    expect(world.cognito.count('GetId')).toBe(1); // the identity id came from storage too
  });

  it('in Node, each auth instance has its own storage by default', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    const other = world.newAuth();
    expect(other.username).toBeUndefined();
    await expect(other.credentials()).rejects.toBeInstanceOf(NotSignedInError);
  });

  it('refreshes the ID token before it expires (a margin), not at expiry', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ tokenLifetimeSeconds: 600 }, { tokenRefreshMarginMs: 5 * MINUTE });
    await world.auth.signIn(ALICE.username, ALICE.password);
    const first = await world.auth.getIdToken();
    jest.setSystemTime(start + 5 * MINUTE - 1000);
    expect(await world.auth.getIdToken()).toBe(first);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(0);
    jest.setSystemTime(start + 5 * MINUTE + 1000);
    const [a, b] = await Promise.all([world.auth.getIdToken(), world.auth.getIdToken()]);
    expect(a).not.toBe(first);
    expect(b).toBe(a);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
  });

  it('a revoked refresh token: SessionExpiredError at once, cached credentials dropped', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ tokenLifetimeSeconds: 3600, credentialsLifetimeSeconds: 3600 });
    await world.auth.signIn(ALICE.username, ALICE.password);
    await signedInCall(world);
    world.cognito.revokeRefreshTokens('alice');
    jest.setSystemTime(start + 58 * MINUTE);
    const began = performance.now();
    const error: unknown = await world.api.get('/notes').catch((e: unknown) => e);
    expect(performance.now() - began).toBeLessThan(1000);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error).toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
    expect(world.auth.username).toBeUndefined();
    const after: unknown = await world.api.get('/notes').catch((e: unknown) => e);
    expect(after).toBeInstanceOf(NotSignedInError);
    expect(world.gateway.requests).toHaveLength(1);
  });

  it('signOut() clears tokens, the identity id and cached credentials', async () => {
    const storage = createMemoryStorage();
    world = await cognitoWorld({}, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    await signedInCall(world);
    expect(
      storage.getItem(`aws:cognito-identity-credentials:${world.cognito.identityPoolId}:alice`),
    ).not.toBeNull();
    world.auth.signOut();
    expect(world.auth.username).toBeUndefined();
    for (const suffix of ['idToken', 'accessToken', 'refreshToken']) {
      expect(
        storage.getItem(`CognitoIdentityServiceProvider.${world.cognito.clientId}.alice.${suffix}`),
      ).toBeNull();
    }
    expect(
      storage.getItem(`aws:cognito-identity-credentials:${world.cognito.identityPoolId}:alice`),
    ).toBeNull();
    const calls = world.cognito.calls.length;
    await expect(world.api.get('/notes')).rejects.toBeInstanceOf(NotSignedInError);
    expect(world.cognito.calls.length).toBe(calls);
    expect(world.gateway.requests).toHaveLength(1);
  });
});

describe('createCognitoAuth: credentials', () => {
  it('1,000 concurrent requests at start-up: one GetId, one GetCredentialsForIdentity', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    const responses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => world.api.get(`/n/${i}`)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(world.gateway.requests.every((r) => r.verdict.accepted)).toBe(true);
    expect(world.cognito.count('GetId')).toBe(1);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(1);
  });

  it('over a simulated 3-hour session, fetches only the refreshes needed', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ tokenLifetimeSeconds: 3600, credentialsLifetimeSeconds: 3600 });
    await world.auth.signIn(ALICE.username, ALICE.password);
    for (let minute = 0; minute <= 180; minute += 10) {
      jest.setSystemTime(start + minute * MINUTE);
      await signedInCall(world);
    }
    // Credentials live 60 minutes and are refreshed from 55: fetched at 0, 60, 120 and 180.
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(4);
    expect(world.cognito.count('GetId')).toBe(1);
    // The ID token (60 minutes, refreshed from 55) is renewed when the credentials are.
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(3);
    expect(world.cognito.count('InitiateAuth', 'USER_SRP_AUTH')).toBe(1);
  });

  it('retries throttling and 5xx with backoff, then gives a typed error', async () => {
    world = await cognitoWorld();
    world.cognito.fail({ operation: 'InitiateAuth', error: 'InternalErrorException' });
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect(world.cognito.count('InitiateAuth', 'USER_SRP_AUTH')).toBe(2);

    world.cognito.fail({
      operation: 'GetCredentialsForIdentity',
      error: 'TooManyRequestsException',
      times: 2,
    });
    await signedInCall(world);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(3);

    world.auth.credentials.invalidate();
    world.cognito.fail({
      operation: 'GetCredentialsForIdentity',
      error: 'TooManyRequestsException',
      times: 10,
    });
    const throttled: unknown = await world.api.get('/notes').catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(CognitoServiceError);
    expect(throttled).toMatchObject({ code: 'ERR_COGNITO_THROTTLED' });
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(6);

    world.cognito.fail({ operation: '*', error: 'InternalErrorException', times: 10 });
    await expect(world.auth.signIn(ALICE.username, ALICE.password)).rejects.toMatchObject({
      code: 'ERR_COGNITO_UNAVAILABLE',
    });
  });

  it('guest access: unauthenticated credentials when nobody is signed in, if turned on', async () => {
    world = await cognitoWorld({ allowUnauthenticated: true }, { allowGuest: true });
    await signedInCall(world);
    expect(world.cognito.calls.map((c) => c.operation)).toEqual([
      'GetId',
      'GetCredentialsForIdentity',
    ]);
    const noGuests = world.newAuth({ allowGuest: false });
    await expect(noGuests.credentials()).rejects.toBeInstanceOf(NotSignedInError);
  });
});

describe('createCognitoAuth: options', () => {
  it.each([
    [{}],
    [{ region: 'eu-west-2', userPoolId: 'nounderscore', clientId: 'c', identityPoolId: 'i' }],
    [{ region: 'eu-west-2', userPoolId: 'eu-west-2_A', clientId: '', identityPoolId: 'i' }],
    [
      {
        region: 'eu-west-2',
        userPoolId: 'eu-west-2_A',
        clientId: 'c',
        identityPoolId: 'i',
        endpoints: { userPool: 'not a url' },
      },
    ],
    [
      {
        region: 'eu-west-2',
        userPoolId: 'eu-west-2_A',
        clientId: 'c',
        identityPoolId: 'i',
        authFlow: 'CUSTOM_AUTH',
      },
    ],
  ])('refuses %p with a ConfigurationError', (options) => {
    expect(() => createCognitoAuth(options as never)).toThrow(ConfigurationError);
  });

  it('errors from the Cognito entry are ApigSignerErrors', () => {
    expect(new NotSignedInError()).toBeInstanceOf(ApigSignerError);
    expect(new SessionExpiredError('x')).toBeInstanceOf(ApigSignerError);
  });
});
