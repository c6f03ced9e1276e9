import { AuthError } from '../../lib/cognito';
import { signInWithPassword, unsupportedChallenge } from '../../lib/cognito/signInSteps';
import type { SignInAttempt } from '../../lib/cognito/signInSteps';
import type { AuthAnswer, UserPoolClient } from '../../lib/cognito/userPoolClient';

/** A user-pool client that answers InitiateAuth with `answer` (or throws what it is given). */
function clientAnswering(answer: () => AuthAnswer): UserPoolClient {
  const refuse = () => Promise.reject(new Error('not expected'));
  return {
    initiateAuth: () => Promise.resolve().then(answer),
    respondToAuthChallenge: () => Promise.resolve().then(answer),
    forgotPassword: refuse,
    confirmForgotPassword: refuse,
    globalSignOut: refuse,
    userPoolExists: () => Promise.resolve(true),
  };
}

const attempt = (commit: SignInAttempt['commit'] = () => undefined): SignInAttempt => ({
  check: () => undefined,
  commit,
});

describe('signInWithPassword: every challenge is a result or a typed error', () => {
  it('a challenge refused is a rejection of that signIn(), and the process lives on', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    process.on('uncaughtException', unhandled);
    try {
      const error: unknown = await signInWithPassword(
        {
          client: clientAnswering(() => ({ ChallengeName: 'WEB_AUTHN', Session: 's' })),
          poolName: 'P',
          attempt: attempt(),
        },
        'USER_SRP_AUTH',
        'alice',
        'pw',
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
      process.off('uncaughtException', unhandled);
    }
  });

  it.each([
    // EMAIL_OTP, SMS_OTP, SELECT_MFA_TYPE, MFA_SETUP, CUSTOM_CHALLENGE and SELECT_CHALLENGE are
    // answered now (challengeSteps.test.ts); what is left is refused with a hint.
    ['DEVICE_SRP_AUTH', /device tracking, a setting of the user pool/],
    ['WEB_AUTHN', /choice-based sign-in.*preferredChallenge/],
    ['A_CHALLENGE_FROM_2030', /sign-in, MFA and Lambda trigger settings/],
  ])('%s: ERR_UNSUPPORTED_CHALLENGE with a hint (%s)', async (name, hint) => {
    const result = signInWithPassword(
      {
        client: clientAnswering(() => ({ ChallengeName: name, Session: 's' })),
        poolName: 'P',
        attempt: attempt(),
      },
      'USER_PASSWORD_AUTH',
      'alice',
      'pw',
    );
    await expect(result).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CHALLENGE',
      challengeName: name,
      message: expect.stringMatching(hint),
    });
    expect(unsupportedChallenge(name).message).not.toMatch(/turn it off for this app client/);
  });

  it('a throw anywhere in a step rejects that signIn(): malformed answers, a failing commit', async () => {
    const run = (answer: () => AuthAnswer, commit?: SignInAttempt['commit']) =>
      signInWithPassword(
        { client: clientAnswering(answer), poolName: 'P', attempt: attempt(commit) },
        'USER_SRP_AUTH',
        'alice',
        'pw',
      );
    // The client itself throws (not a Cognito failure).
    await expect(
      run(() => {
        throw new TypeError('boom');
      }),
    ).rejects.toMatchObject({ code: 'ERR_COGNITO' });
    // PASSWORD_VERIFIER without the SRP values.
    await expect(
      run(() => ({ ChallengeName: 'PASSWORD_VERIFIER', ChallengeParameters: {} })),
    ).rejects.toMatchObject({ code: 'ERR_COGNITO', message: expect.stringContaining('SRP_B') });
    // Tokens missing from the result.
    await expect(run(() => ({ AuthenticationResult: { IdToken: 'x' } }))).rejects.toMatchObject({
      code: 'ERR_COGNITO',
      message: expect.stringContaining('tokens'),
    });
    // NEW_PASSWORD_REQUIRED with parameters that are not JSON: a challenge all the same.
    const odd = await signInWithPassword(
      {
        client: clientAnswering(() => ({
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          ChallengeParameters: { userAttributes: '{not json', requiredAttributes: '"x"' },
        })),
        poolName: 'P',
        attempt: attempt(),
      },
      'USER_PASSWORD_AUTH',
      'alice',
      'pw',
    );
    expect(odd.challenge).toMatchObject({
      name: 'NEW_PASSWORD_REQUIRED',
      userAttributes: {},
      requiredAttributes: [],
    });
    // The session cannot be kept (storage): signIn() rejects with that error.
    const tokens = { AuthenticationResult: { IdToken: 'i', AccessToken: 'a', RefreshToken: 'r' } };
    await expect(
      signInWithPassword(
        {
          client: clientAnswering(() => tokens),
          poolName: 'P',
          attempt: attempt(() => Promise.reject(new AuthError('ERR_SIGN_IN_SUPERSEDED', 'later'))),
        },
        'USER_PASSWORD_AUTH',
        'alice',
        'pw',
      ),
    ).rejects.toMatchObject({ code: 'ERR_SIGN_IN_SUPERSEDED' });
  });

  it('a sign-in superseded during the SRP exchange sends no password proof', async () => {
    let superseded = false;
    const respond = jest.fn(() => Promise.reject(new Error('not expected')));
    const client: UserPoolClient = {
      ...clientAnswering(() => ({})),
      initiateAuth: () => {
        superseded = true; // a signOut() or a later signIn() while InitiateAuth was answered
        return Promise.resolve({
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: {
            USER_ID_FOR_SRP: 'alice',
            SRP_B: 'abc123',
            SALT: '0f',
            SECRET_BLOCK: 'AAAA',
          },
        });
      },
      respondToAuthChallenge: respond,
    };
    const result = signInWithPassword(
      {
        client,
        poolName: 'P',
        attempt: {
          check: () => {
            if (superseded) throw new AuthError('ERR_SIGN_IN_SUPERSEDED', 'later');
          },
          commit: () => undefined,
        },
      },
      'USER_SRP_AUTH',
      'alice',
      'pw',
    );
    await expect(result).rejects.toMatchObject({ code: 'ERR_SIGN_IN_SUPERSEDED' });
    expect(respond).not.toHaveBeenCalled();
  });
});
