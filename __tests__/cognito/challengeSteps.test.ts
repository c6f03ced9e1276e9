import { ConfigurationError } from '../../lib';
import type { SignInResult } from '../../lib/cognito';
import type { CognitoEmulatorOptions } from '../../lib/testing';
import { ALICE, cognitoWorld } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

let world: CognitoWorld;
afterEach(async () => {
  await world.close();
});

const EMAIL = { email: 'alice@example.com' };

type Challenge = NonNullable<SignInResult['challenge']>;
/** The challenges whose `name` may be `N`. */
type Named<N, C = Challenge> = C extends { name: infer M } ? (N extends M ? C : never) : never;

/** The challenge of a result, narrowed by name (fails the test when it is another). */
function challenge<N extends Challenge['name']>(result: SignInResult, name: N): Named<N> {
  expect(result.challenge?.name).toBe(name);
  return result.challenge as Named<N>;
}

async function signedInCall() {
  expect((await world.api.get('/notes')).status).toBe(200);
}

describe('signIn: the challenges of issue 23', () => {
  it('EMAIL_OTP: the code Cognito emailed signs in; a wrong one is ERR_CODE_MISMATCH', async () => {
    world = await cognitoWorld({ users: [{ ...ALICE, mfa: 'EMAIL_OTP', attributes: EMAIL }] });
    const step = challenge(await world.auth.signIn(ALICE.username, ALICE.password), 'EMAIL_OTP');
    expect(step.destination).toBe('a***@***');
    const code = world.cognito.lastCode('alice', 'EMAIL_OTP') ?? '';
    await expect(step.answer(code === '000000' ? '111111' : '000000')).rejects.toMatchObject({
      code: 'ERR_CODE_MISMATCH',
    });
    expect(await step.answer(code)).toEqual({ username: 'alice' });
    await signedInCall();
  });

  it('SELECT_MFA_TYPE: lists the methods; the one chosen asks for its code', async () => {
    world = await cognitoWorld({ users: [{ ...ALICE, attributes: EMAIL }] });
    await world.auth.signIn(ALICE.username, ALICE.password);
    const totp = await world.auth.setUpTotp();
    await world.auth.verifyTotp(world.cognito.totpCode(totp.secret));
    await world.auth.setMfaPreference({ email: 'enabled', totp: 'enabled' });
    const auth = world.newAuth();
    const select = challenge(await auth.signIn(ALICE.username, ALICE.password), 'SELECT_MFA_TYPE');
    expect(select.options).toEqual(['SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']);
    await expect(select.answer('SMS_MFA')).rejects.toBeInstanceOf(ConfigurationError);
    const mfa = challenge(await select.answer('SOFTWARE_TOKEN_MFA'), 'SOFTWARE_TOKEN_MFA');
    expect(await mfa.answer(world.cognito.totpCode(totp.secret))).toEqual({ username: 'alice' });
  });

  it('MFA_SETUP: an authenticator app set up inside the sign-in, then its code signs in', async () => {
    world = await cognitoWorld({ mfaConfiguration: 'ON' });
    const step = challenge(await world.auth.signIn(ALICE.username, ALICE.password), 'MFA_SETUP');
    expect(step.options).toEqual(['SOFTWARE_TOKEN_MFA']);
    await expect(step.answer('123456')).rejects.toBeInstanceOf(ConfigurationError); // no set-up yet
    const setup = await step.setUpTotp();
    expect(setup.uri('Notes')).toMatch(/^otpauth:\/\/totp\/Notes:alice\?secret=/);
    expect(
      await step.answer(world.cognito.totpCode(setup.secret), { deviceName: 'phone' }),
    ).toEqual({ username: 'alice' });
    await signedInCall();
    // The next sign-in asks for the app's code.
    const next = await world.newAuth().signIn(ALICE.username, ALICE.password);
    expect(next.challenge?.name).toBe('SOFTWARE_TOKEN_MFA');
  });

  describe('CUSTOM_CHALLENGE', () => {
    const triggers = (srpFirst: boolean): CognitoEmulatorOptions['triggers'] => ({
      defineAuthChallenge(event) {
        const session = event.request['session'] as Array<{
          challengeName: string;
          challengeResult: boolean;
        }>;
        const last = session.at(-1);
        if (srpFirst && session.length === 0) event.response['failAuthentication'] = true;
        else if (last?.challengeName === 'SRP_A')
          event.response['challengeName'] = 'PASSWORD_VERIFIER';
        else if (last?.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult)
          event.response['issueTokens'] = true;
        else event.response['challengeName'] = 'CUSTOM_CHALLENGE';
        return event;
      },
      createAuthChallenge: (event) => ({
        ...event,
        response: {
          publicChallengeParameters: { question: 'six times seven?' },
          privateChallengeParameters: { answer: '42' },
        },
      }),
      verifyAuthChallengeResponse(event) {
        event.response['answerCorrect'] = event.request['challengeAnswer'] === '42';
        return event;
      },
    });

    it('exposes the public parameters; a wrong answer asks again, the right one signs in', async () => {
      world = await cognitoWorld({ triggers: triggers(false) });
      const first = challenge(
        await world.auth.signIn(ALICE.username, undefined, { authFlow: 'CUSTOM_AUTH' }),
        'CUSTOM_CHALLENGE',
      );
      expect(first.parameters).toMatchObject({ question: 'six times seven?' });
      const again = challenge(await first.answer('41'), 'CUSTOM_CHALLENGE');
      expect(await again.answer('42')).toEqual({ username: 'alice' });
      await signedInCall();
    });

    it('SRP first when the pool asks for it (the password proven, never sent)', async () => {
      world = await cognitoWorld({ triggers: triggers(true) });
      const step = challenge(
        await world.auth.signIn(ALICE.username, ALICE.password, { authFlow: 'CUSTOM_AUTH' }),
        'CUSTOM_CHALLENGE',
      );
      expect(world.cognito.count('RespondToAuthChallenge', 'PASSWORD_VERIFIER')).toBe(1);
      expect(await step.answer('42')).toEqual({ username: 'alice' });
    });
  });

  describe('choice-based sign-in (USER_AUTH)', () => {
    it('with a preferred first factor: EMAIL_OTP, PASSWORD and PASSWORD_SRP', async () => {
      world = await cognitoWorld({ users: [{ ...ALICE, attributes: EMAIL }] });
      const otp = challenge(
        await world.auth.signIn(ALICE.username, undefined, {
          authFlow: 'USER_AUTH',
          preferredChallenge: 'EMAIL_OTP',
        }),
        'EMAIL_OTP',
      );
      expect(await otp.answer(world.cognito.lastCode('alice', 'EMAIL_OTP') ?? '')).toEqual({
        username: 'alice',
      });
      for (const preferredChallenge of ['PASSWORD', 'PASSWORD_SRP'] as const) {
        expect(
          await world.newAuth().signIn(ALICE.username, ALICE.password, {
            authFlow: 'USER_AUTH',
            preferredChallenge,
          }),
        ).toEqual({ username: 'alice' });
      }
      expect(world.cognito.count('RespondToAuthChallenge', 'PASSWORD_VERIFIER')).toBe(1);
    });

    it('without one: SELECT_CHALLENGE lists the factors; the user picks a code, or the password', async () => {
      world = await cognitoWorld({ users: [{ ...ALICE, attributes: EMAIL }] });
      const pick = challenge(
        await world.auth.signIn(ALICE.username, undefined, { authFlow: 'USER_AUTH' }),
        'SELECT_CHALLENGE',
      );
      expect(pick.available).toEqual(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
      const otp = challenge(await pick.answer('EMAIL_OTP'), 'EMAIL_OTP');
      expect(await otp.answer(world.cognito.lastCode('alice', 'EMAIL_OTP') ?? '')).toEqual({
        username: 'alice',
      });
      const again = challenge(
        await world.newAuth().signIn(ALICE.username, undefined, { authFlow: 'USER_AUTH' }),
        'SELECT_CHALLENGE',
      );
      await expect(again.answer('PASSWORD')).rejects.toBeInstanceOf(ConfigurationError);
      expect(await again.answer('PASSWORD', ALICE.password)).toEqual({ username: 'alice' });
    });

    it('bad options are refused before any call', async () => {
      world = await cognitoWorld();
      const auth = world.auth;
      for (const call of [
        () => auth.signIn(ALICE.username),
        () =>
          auth.signIn(ALICE.username, undefined, {
            authFlow: 'USER_AUTH',
            preferredChallenge: 'PASSWORD',
          }),
        () => auth.signIn(ALICE.username, 'x', { authFlow: 'OTHER' as 'USER_AUTH' }),
        () =>
          auth.signIn(ALICE.username, 'x', {
            authFlow: 'USER_AUTH',
            preferredChallenge: 'WEB_AUTHN' as 'PASSWORD',
          }),
      ]) {
        await expect(call()).rejects.toBeInstanceOf(ConfigurationError);
      }
      expect(world.cognito.calls).toEqual([]);
    });
  });
});
