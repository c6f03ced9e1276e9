import { bad } from './signUpFlow';
import type { SignInOptions } from './challengeTypes';
import { toAuthError } from './failures';
import { nextStep, signInWithPassword } from './signInSteps';
import type { SignInContext } from './signInSteps';
import type { SignInResult } from './types';

const FACTORS = new Set<unknown>(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP']);

function requirePassword(password: string | undefined, why: string): asserts password is string {
  if (typeof password !== 'string' || password === '') {
    throw bad(`signIn(username, password): ${why}.`);
  }
}

/**
 * Which sign-in to start: the password flow of the options (`USER_SRP_AUTH`,
 * `USER_PASSWORD_AUTH`), custom auth (`CUSTOM_AUTH`, SRP first when a password is given) or
 * choice-based sign-in (`USER_AUTH`, with or without a preferred first factor). Bad options are
 * refused before any call; Cognito's refusals are typed errors.
 */
export async function startSignIn(
  context: SignInContext,
  passwordFlow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH',
  username: string,
  password: string | undefined,
  options: SignInOptions = {},
): Promise<SignInResult> {
  if (typeof options !== 'object' || options === null) {
    throw bad('signIn(): options must be an object.');
  }
  const { authFlow, preferredChallenge: preferred } = options;
  if (authFlow === undefined) {
    requirePassword(password, 'the password must be a non-empty string');
    return signInWithPassword(context, passwordFlow, username, password);
  }
  if (authFlow === 'CUSTOM_AUTH') {
    if (password !== undefined && password !== '') {
      return signInWithPassword(context, 'CUSTOM_AUTH', username, password, {
        CHALLENGE_NAME: 'SRP_A',
      });
    }
    return initiate(context, 'CUSTOM_AUTH', username, {});
  }
  if (authFlow !== 'USER_AUTH') {
    throw bad("signIn(): authFlow must be 'CUSTOM_AUTH' or 'USER_AUTH'.");
  }
  if (preferred !== undefined && !FACTORS.has(preferred)) {
    throw bad('signIn(): unknown preferredChallenge.');
  }
  if (preferred === 'PASSWORD_SRP') {
    requirePassword(password, 'PASSWORD_SRP needs the password');
    return signInWithPassword(context, 'USER_AUTH', username, password, {
      PREFERRED_CHALLENGE: preferred,
    });
  }
  if (preferred === 'PASSWORD') {
    requirePassword(password, 'PASSWORD needs the password');
    return initiate(context, 'USER_AUTH', username, {
      PREFERRED_CHALLENGE: preferred,
      PASSWORD: password,
    });
  }
  return initiate(
    context,
    'USER_AUTH',
    username,
    preferred === undefined ? {} : { PREFERRED_CHALLENGE: preferred },
  );
}

async function initiate(
  context: SignInContext,
  flow: 'CUSTOM_AUTH' | 'USER_AUTH',
  username: string,
  parameters: Record<string, string>,
): Promise<SignInResult> {
  try {
    const answer = await context.client.initiateAuth(
      'Signing in',
      flow,
      { ...parameters, USERNAME: username },
      username,
    );
    return await nextStep(context, answer, username);
  } catch (error) {
    throw toAuthError(error, flow);
  }
}
