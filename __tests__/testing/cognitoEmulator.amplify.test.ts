import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  confirmSignUp,
  fetchUserAttributes,
  setUpTOTP,
  signIn,
  signOut,
  signUp,
  updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';

import { startCognitoEmulator } from '../../lib/testing';
import type { CognitoEmulator } from '../../lib/testing';

/**
 * Amplify v6's own Auth client (its wire format for sign-up, choice-based sign-in and TOTP, not
 * ours) against the emulator.
 */
let emulator: CognitoEmulator;

beforeAll(async () => {
  emulator = await startCognitoEmulator({
    users: [{ username: 'dan', password: 'password 1', attributes: { email: 'dan@example.com' } }],
  });
  // Amplify warns (on the console) that the endpoints are not AWS's: expected, kept quiet.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: emulator.userPoolId,
        userPoolClientId: emulator.clientId,
        userPoolEndpoint: emulator.url,
      },
    },
  });
  warn.mockRestore();
});

afterEach(async () => {
  await signOut();
});

afterAll(async () => {
  await emulator.close();
});

describe('startCognitoEmulator with aws-amplify v6', () => {
  it('signUp → confirmSignUp with the delivered code → signIn → fetchUserAttributes', async () => {
    const out = await signUp({
      username: 'erin',
      password: 'a long password',
      options: { userAttributes: { email: 'erin@example.com' } },
    });
    expect(out.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
    const confirmed = await confirmSignUp({
      username: 'erin',
      confirmationCode: emulator.lastCode('erin', 'SignUp') ?? '',
    });
    expect(confirmed.isSignUpComplete).toBe(true);
    expect((await signIn({ username: 'erin', password: 'a long password' })).isSignedIn).toBe(true);
    expect(await fetchUserAttributes()).toMatchObject({
      email: 'erin@example.com',
      email_verified: 'true',
    });
  });

  it('USER_AUTH with EMAIL_OTP as the first factor', async () => {
    const step = await signIn({
      username: 'dan',
      options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' },
    });
    expect(step.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
    const done = await confirmSignIn({
      challengeResponse: emulator.lastCode('dan', 'EMAIL_OTP') ?? '',
    });
    expect(done.isSignedIn).toBe(true);
  });

  it('USER_AUTH with the first factor chosen from what the pool offers', async () => {
    const step = await signIn({ username: 'dan', options: { authFlowType: 'USER_AUTH' } });
    expect(step.nextStep).toMatchObject({
      signInStep: 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION',
      availableChallenges: ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP'],
    });
    const password = await confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
    expect(password.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_PASSWORD');
    expect((await confirmSignIn({ challengeResponse: 'password 1' })).isSignedIn).toBe(true);
  });

  it('setUpTOTP → verifyTOTPSetup → preferred → the next sign-in asks for the TOTP code', async () => {
    await signIn({ username: 'dan', password: 'password 1' });
    const totp = await setUpTOTP();
    const secret = totp.sharedSecret;
    await verifyTOTPSetup({ code: emulator.totpCode(secret) });
    await updateMFAPreference({ totp: 'PREFERRED' });
    await signOut();

    const step = await signIn({ username: 'dan', password: 'password 1' });
    expect(step.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    const done = await confirmSignIn({ challengeResponse: emulator.totpCode(secret) });
    expect(done.isSignedIn).toBe(true);
  });
});
