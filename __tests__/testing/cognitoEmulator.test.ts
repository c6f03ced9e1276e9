import { startCognitoEmulator } from '../../lib/testing';
import type { CognitoEmulator } from '../../lib/testing';

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
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = await call(emulator, 'AWSCognitoIdentityService.GetId', {
      IdentityPoolId: emulator.identityPoolId,
      Logins: { [emulator.providerName]: idToken },
    });
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
});
