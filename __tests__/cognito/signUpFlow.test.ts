import { ConfigurationError } from '../../lib';
import { AuthError } from '../../lib/cognito';
import { cognitoWorld, fakeDateOnly } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

let world: CognitoWorld;
afterEach(async () => {
  jest.useRealTimers();
  await world.close();
});

const DORA = { username: 'dora', password: 'a long enough password' } as const;
const EMAIL = { email: 'dora@example.com' };

describe('signUp, confirmSignUp, resendSignUpCode', () => {
  it('signs up, confirms with the code Cognito sent, then signs in (SRP) and calls the API', async () => {
    world = await cognitoWorld();
    const result = await world.auth.signUp(DORA.username, DORA.password, {
      attributes: EMAIL,
      clientMetadata: { source: 'test' },
    });
    expect(result).toEqual({
      userConfirmed: false,
      userSub: world.cognito.user('dora')?.sub,
      codeDelivery: { destination: 'd***@***', medium: 'EMAIL' },
    });
    await expect(world.auth.signIn(DORA.username, DORA.password)).rejects.toMatchObject({
      code: 'ERR_USER_NOT_CONFIRMED',
    });
    await world.auth.confirmSignUp(DORA.username, world.cognito.lastCode('dora', 'SignUp') ?? '');
    expect(world.cognito.user('dora')).toMatchObject({
      confirmed: true,
      attributes: EMAIL,
      verifiedAttributes: ['email'],
    });
    expect(await world.auth.signIn(DORA.username, DORA.password)).toEqual({ username: 'dora' });
    expect((await world.api.get('/notes')).status).toBe(200);
  });

  it('a password the policy refuses: ERR_INVALID_PASSWORD naming the rule, no user made', async () => {
    world = await cognitoWorld({
      passwordPolicy: { minimumLength: 8, requireNumbers: true },
    });
    const error: unknown = await world.auth
      .signUp(DORA.username, 'no digits here at all', { attributes: EMAIL })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_PASSWORD', passwordRule: 'numbers' });
    expect(String((error as Error).message)).not.toContain('no digits here at all');
    expect(world.cognito.user('dora')).toBeUndefined();
  });

  it('a taken user name is ERR_USERNAME_EXISTS', async () => {
    world = await cognitoWorld();
    await world.auth.signUp(DORA.username, DORA.password, { attributes: EMAIL });
    await expect(
      world.auth.signUp(DORA.username, DORA.password, { attributes: EMAIL }),
    ).rejects.toMatchObject({ name: 'AuthError', code: 'ERR_USERNAME_EXISTS' });
  });

  it('a wrong code is ERR_CODE_MISMATCH and leaves the right one usable; the code is never in the message', async () => {
    world = await cognitoWorld();
    await world.auth.signUp(DORA.username, DORA.password, { attributes: EMAIL });
    const right = world.cognito.lastCode('dora', 'SignUp') ?? '';
    const wrong = right === '000000' ? '111111' : '000000';
    const error: unknown = await world.auth
      .confirmSignUp(DORA.username, wrong)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthError', code: 'ERR_CODE_MISMATCH' });
    expect(JSON.stringify(error) + String(error)).not.toContain(wrong);
    await world.auth.confirmSignUp(DORA.username, right);
    expect(world.cognito.user('dora')?.confirmed).toBe(true);
  });

  it('an expired code is ERR_CODE_EXPIRED; resendSignUpCode sends a new one that works', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld();
    await world.auth.signUp(DORA.username, DORA.password, { attributes: EMAIL });
    const first = world.cognito.lastCode('dora', 'SignUp') ?? '';
    jest.setSystemTime(start + 25 * 3_600_000); // Cognito keeps sign-up codes 24 hours
    await expect(world.auth.confirmSignUp(DORA.username, first)).rejects.toMatchObject({
      code: 'ERR_CODE_EXPIRED',
    });
    expect(await world.auth.resendSignUpCode(DORA.username)).toEqual({
      destination: 'd***@***',
      medium: 'EMAIL',
    });
    await world.auth.confirmSignUp(DORA.username, world.cognito.lastCode('dora', 'SignUp') ?? '');
    expect(world.cognito.user('dora')?.confirmed).toBe(true);
  });

  it('bad input is a ConfigurationError before any call to Cognito', async () => {
    world = await cognitoWorld();
    const auth = world.auth;
    const calls = [
      () => auth.signUp('', DORA.password),
      () => auth.signUp(DORA.username, ''),
      () =>
        auth.signUp(DORA.username, DORA.password, { attributes: { age: 3 as unknown as string } }),
      () => auth.confirmSignUp(DORA.username, ''),
      () => auth.resendSignUpCode(''),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toBeInstanceOf(ConfigurationError);
    }
    expect(world.cognito.calls).toEqual([]);
  });
});
