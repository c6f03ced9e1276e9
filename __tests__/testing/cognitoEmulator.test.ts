import { startCognitoEmulator } from '../../lib/testing';
import type { CognitoEmulator } from '../../lib/testing';
import { fakeDateOnly, until } from '../helpers/cognito';

/** Calls the emulator as the AWS JSON 1.1 protocol does. */
async function call(emulator: CognitoEmulator, target: string, body: unknown) {
  const response = await fetch(emulator.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const signIn = (emulator: CognitoEmulator, password = 'password 1') =>
  call(emulator, 'AWSCognitoIdentityProviderService.InitiateAuth', {
    ClientId: emulator.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: 'dan', PASSWORD: password },
  });

describe('startCognitoEmulator', () => {
  let emulator: CognitoEmulator;
  afterEach(async () => {
    await emulator.close();
  });

  it('issues RS256 tokens with the issuer, audience and lifetime configured', async () => {
    emulator = await startCognitoEmulator({
      region: 'eu-west-2',
      users: [
        { username: 'dan', password: 'password 1', attributes: { email: 'dan@example.com' } },
      ],
      tokenLifetimeSeconds: 120,
    });
    const { body } = await signIn(emulator);
    const result = body['AuthenticationResult'] as Record<string, string>;
    const [head, payload] = result['IdToken']!.split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(head).toMatchObject({ alg: 'RS256' });
    expect(payload).toMatchObject({
      iss: `https://cognito-idp.eu-west-2.amazonaws.com/${emulator.userPoolId}`,
      aud: emulator.clientId,
      token_use: 'id',
      'cognito:username': 'dan',
      email: 'dan@example.com',
    });
    expect(payload.exp - payload.iat).toBe(120);
    expect(result['RefreshToken']).toEqual(expect.any(String));
  });

  it('checks the Logins key and the ID token (signature, audience, expiry) in the identity pool', async () => {
    emulator = await startCognitoEmulator({ users: [{ username: 'dan', password: 'password 1' }] });
    const { body } = await signIn(emulator);
    const idToken = (body['AuthenticationResult'] as Record<string, string>)['IdToken']!;
    const getId = (logins: unknown) =>
      call(emulator, 'AWSCognitoIdentityService.GetId', {
        IdentityPoolId: emulator.identityPoolId,
        Logins: logins,
      });

    const ok = await getId({ [emulator.providerName]: idToken });
    expect(ok.status).toBe(200);
    expect(ok.body['IdentityId']).toMatch(/^us-east-1:/);

    const [h, p, s] = idToken.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')}.${s}`;
    for (const logins of [
      { [emulator.providerName]: forged },
      { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Other': idToken },
      { [emulator.providerName]: 'not-a-jwt' },
      undefined,
    ]) {
      const refused = await getId(logins);
      expect([refused.status, refused.body['__type']]).toEqual([400, 'NotAuthorizedException']);
    }

    const creds = await call(emulator, 'AWSCognitoIdentityService.GetCredentialsForIdentity', {
      IdentityId: ok.body['IdentityId'],
      Logins: { [emulator.providerName]: idToken },
    });
    const issued = creds.body['Credentials'] as Record<string, unknown>;
    expect(issued).toMatchObject({
      AccessKeyId: expect.stringMatching(/^ASIA/),
      SecretKey: expect.any(String),
    });
    expect(issued['Expiration']).toEqual(expect.any(Number));
  });

  it('refuses an expired ID token', async () => {
    emulator = await startCognitoEmulator({
      users: [{ username: 'dan', password: 'password 1' }],
      tokenLifetimeSeconds: 1,
    });
    const { body } = await signIn(emulator);
    const idToken = (body['AuthenticationResult'] as Record<string, string>)['IdToken']!;
    // 1.1 s later on the emulator's clock (Date.now), without waiting for it.
    const later = Date.now() + 1100;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => later);
    const refused = await call(emulator, 'AWSCognitoIdentityService.GetId', {
      IdentityPoolId: emulator.identityPoolId,
      Logins: { [emulator.providerName]: idToken },
    }).finally(() => clock.mockRestore());
    expect(refused.body['message']).toContain('Token expired');
  });

  it('revokes refresh tokens', async () => {
    emulator = await startCognitoEmulator({ users: [{ username: 'dan', password: 'password 1' }] });
    const refreshToken = (
      (await signIn(emulator)).body['AuthenticationResult'] as Record<string, string>
    )['RefreshToken'];
    const refresh = () =>
      call(emulator, 'AWSCognitoIdentityProviderService.InitiateAuth', {
        ClientId: emulator.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      });
    expect((await refresh()).status).toBe(200);
    emulator.revokeRefreshTokens('dan');
    expect((await refresh()).body).toMatchObject({
      __type: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
  });

  it('injects faults and delays, and records every call', async () => {
    emulator = await startCognitoEmulator({ users: [{ username: 'dan', password: 'password 1' }] });
    emulator.fail({ operation: 'InitiateAuth', error: 'TooManyRequestsException', times: 2 });
    emulator.fail({ operation: 'InitiateAuth', delayMs: 150 });
    expect((await signIn(emulator)).body['__type']).toBe('TooManyRequestsException');
    expect((await signIn(emulator)).body['__type']).toBe('TooManyRequestsException');
    const began = Date.now();
    expect((await signIn(emulator)).status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    emulator.fail({ operation: '*', error: 'InternalErrorException' });
    expect((await signIn(emulator)).status).toBe(500);
    expect(emulator.calls.map((c) => c.status)).toEqual([400, 400, 200, 500]);
    expect(emulator.count('InitiateAuth', 'USER_PASSWORD_AUTH')).toBe(4);
  });

  const idp = (name: string) => `AWSCognitoIdentityProviderService.${name}`;
  const identity = (name: string) => `AWSCognitoIdentityService.${name}`;
  const tokensOf = (answer: { body: Record<string, unknown> }) =>
    answer.body['AuthenticationResult'] as Record<string, string>;

  it('ForgotPassword sends a code; ConfirmForgotPassword checks it and the policy', async () => {
    emulator = await startCognitoEmulator({
      users: [
        { username: 'dan', password: 'password 1', attributes: { email: 'dan@example.com' } },
      ],
      passwordPolicy: { minimumLength: 10, requireUppercase: true },
    });
    const sent = await call(emulator, idp('ForgotPassword'), {
      ClientId: emulator.clientId,
      Username: 'dan',
    });
    expect(sent.body).toEqual({
      CodeDeliveryDetails: {
        Destination: 'd***@***',
        DeliveryMedium: 'EMAIL',
        AttributeName: 'email',
      },
    });
    const code = emulator.lastCode('dan')!;
    expect(code).toMatch(/^\d{6}$/);
    const confirm = (ConfirmationCode: string, Password: string) =>
      call(emulator, idp('ConfirmForgotPassword'), {
        ClientId: emulator.clientId,
        Username: 'dan',
        ConfirmationCode,
        Password,
      });
    expect(
      (await confirm(code === '000000' ? '111111' : '000000', 'Long enough 1')).body['__type'],
    ).toBe('CodeMismatchException');
    expect((await confirm(code, 'short')).body['message']).toBe(
      'Password does not conform to policy: Password not long enough',
    );
    expect((await confirm(code, 'long enough but lower')).body['message']).toBe(
      'Password does not conform to policy: Password must have uppercase characters',
    );
    expect((await confirm(code, 'Long enough 1')).status).toBe(200);
    expect((await signIn(emulator, 'Long enough 1')).status).toBe(200);
    expect((await confirm(code, 'Long enough 2')).body['__type']).toBe('CodeMismatchException');
  });

  it('GlobalSignOut revokes the refresh tokens and access tokens issued so far', async () => {
    emulator = await startCognitoEmulator({ users: [{ username: 'dan', password: 'password 1' }] });
    const first = tokensOf(await signIn(emulator));
    const second = tokensOf(await signIn(emulator));
    const out = await call(emulator, idp('GlobalSignOut'), { AccessToken: first['AccessToken'] });
    expect(out).toEqual({ status: 200, body: {} });
    for (const tokens of [first, second]) {
      const refreshed = await call(emulator, idp('InitiateAuth'), {
        ClientId: emulator.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: tokens['RefreshToken'] },
      });
      expect(refreshed.body['message']).toBe('Refresh Token has been revoked');
      const again = await call(emulator, idp('GlobalSignOut'), {
        AccessToken: tokens['AccessToken'],
      });
      expect(again.body['message']).toBe('Access Token has been revoked');
    }
    const later = tokensOf(await signIn(emulator));
    expect(
      (await call(emulator, idp('GlobalSignOut'), { AccessToken: later['AccessToken'] })).status,
    ).toBe(200);
  });

  it('a disabled user cannot sign in or refresh; enabled again, they can', async () => {
    emulator = await startCognitoEmulator({ users: [{ username: 'dan', password: 'password 1' }] });
    const tokens = tokensOf(await signIn(emulator));
    emulator.setUserEnabled('dan', false);
    expect((await signIn(emulator)).body).toEqual({
      __type: 'NotAuthorizedException',
      message: 'User is disabled.',
    });
    const refreshed = await call(emulator, idp('InitiateAuth'), {
      ClientId: emulator.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: tokens['RefreshToken'] },
    });
    expect(refreshed.body['message']).toBe('User is disabled.');
    emulator.setUserEnabled('dan', true);
    expect((await signIn(emulator)).status).toBe(200);
  });

  it('a challenge session can be answered once, and only before it expires', async () => {
    emulator = await startCognitoEmulator({
      users: [
        { username: 'dan', password: 'password 1', mfa: 'SOFTWARE_TOKEN_MFA', mfaCode: '111222' },
      ],
      challengeLifetimeSeconds: 60,
    });
    const answer = (Session: unknown) =>
      call(emulator, idp('RespondToAuthChallenge'), {
        ClientId: emulator.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session,
        ChallengeResponses: { USERNAME: 'dan', SOFTWARE_TOKEN_MFA_CODE: '111222' },
      });
    const session = (await signIn(emulator)).body['Session'];
    expect((await answer(session)).status).toBe(200);
    expect((await answer(session)).body['message']).toBe(
      'Invalid session for the user, session is expired.',
    );
    const start = Date.now();
    fakeDateOnly(start);
    try {
      const late = (await signIn(emulator)).body['Session'];
      jest.setSystemTime(start + 61_000);
      expect((await answer(late)).body['message']).toBe(
        'Invalid session for the user, session is expired.',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('faults can reset the connection, answer a body that is not JSON, stall, and be cleared', async () => {
    emulator = await startCognitoEmulator({ users: [{ username: 'dan', password: 'password 1' }] });
    emulator.fail({ operation: 'InitiateAuth', reset: true });
    await expect(signIn(emulator)).rejects.toThrow('fetch failed'); // ECONNRESET
    emulator.fail({ operation: 'InitiateAuth', malformedBody: true, status: 502 });
    const page = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'X-Amz-Target': idp('InitiateAuth') },
      body: '{}',
    });
    expect(page.status).toBe(502);
    expect(page.headers.get('x-amzn-errortype')).toBeNull();
    const text = await page.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);

    emulator.fail({ operation: 'InitiateAuth', delayMs: Infinity, times: 3 });
    const stalled = signIn(emulator).catch((error: unknown) => error);
    await until(() => emulator.calls.length === 3); // the stalled call has arrived
    emulator.clearFaults();
    expect((await signIn(emulator)).status).toBe(200);
    expect(emulator.calls.map((c) => c.status)).toEqual([0, 502, 0, 200]);
    await emulator.close();
    expect(await stalled).toMatchObject({ message: 'fetch failed' }); // ends with the emulator
    emulator = await startCognitoEmulator();
  });

  it('links a guest identity to the user who signs in on it, unless the user has one', async () => {
    emulator = await startCognitoEmulator({
      users: [
        { username: 'dan', password: 'password 1' },
        { username: 'eve', password: 'password 2' },
      ],
      allowUnauthenticated: true,
    });
    const guest = await call(emulator, identity('GetId'), {
      IdentityPoolId: emulator.identityPoolId,
    });
    const guestId = guest.body['IdentityId'];
    const idToken = tokensOf(await signIn(emulator))['IdToken'];
    const linked = await call(emulator, identity('GetCredentialsForIdentity'), {
      IdentityId: guestId,
      Logins: { [emulator.providerName]: idToken },
    });
    expect(linked.status).toBe(200);
    expect(emulator.identityIdOf('dan')).toBe(guestId);
    const asGuest = await call(emulator, identity('GetCredentialsForIdentity'), {
      IdentityId: guestId,
    });
    expect(asGuest.body['message']).toBe('Invalid login token. Logins do not match the identity.');

    const other = await call(emulator, identity('GetId'), {
      IdentityPoolId: emulator.identityPoolId,
    });
    const taken = await call(emulator, identity('GetCredentialsForIdentity'), {
      IdentityId: other.body['IdentityId'],
      Logins: { [emulator.providerName]: idToken },
    });
    expect(taken.body['__type']).toBe('NotAuthorizedException'); // dan has an identity already
  });

  it('clockOffsetMs moves the clock of tokens and credentials', async () => {
    const offset = 65 * 60_000;
    emulator = await startCognitoEmulator({
      users: [{ username: 'dan', password: 'password 1' }],
      clockOffsetMs: offset,
    });
    const idToken = tokensOf(await signIn(emulator))['IdToken']!;
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as {
      iat: number;
    };
    expect(Math.abs(claims.iat * 1000 - (Date.now() + offset))).toBeLessThan(5000);
    const id = await call(emulator, identity('GetId'), {
      IdentityPoolId: emulator.identityPoolId,
      Logins: { [emulator.providerName]: idToken },
    });
    const credentials = await call(emulator, identity('GetCredentialsForIdentity'), {
      IdentityId: id.body['IdentityId'],
      Logins: { [emulator.providerName]: idToken },
    });
    const expiration = (credentials.body['Credentials'] as { Expiration: number }).Expiration;
    expect(Math.abs(expiration * 1000 - (Date.now() + offset + 3600_000))).toBeLessThan(5000);
  });

  it.each([
    [{ tokenLifetimeSeconds: Number.NaN }],
    [{ credentialsLifetimeSeconds: -1 }],
    [{ challengeLifetimeSeconds: Infinity }],
    [{ clockOffsetMs: Number.NaN }],
    [{ passwordPolicy: { minimumLength: -1 } }],
  ])('refuses %p with a ConfigurationError', async (options) => {
    await expect(startCognitoEmulator(options)).rejects.toMatchObject({
      name: 'ConfigurationError',
      code: 'ERR_CONFIGURATION',
    });
    emulator = await startCognitoEmulator();
  });
});
