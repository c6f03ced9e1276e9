import { bad, requireText } from './signUpFlow';
import { toAccountError } from './accountErrors';
import type { SignInContext } from './signInSteps';
import { totpSetup, verifyBody } from './totpFlow';
import type { SignInResult } from './types';
import type { AuthAnswer } from './userPoolClient';

/** Answers the challenge (with the sign-in's `Session`, or a later one `MFA_SETUP` was given). */
type Respond = (responses: Record<string, string>, session?: string) => Promise<SignInResult>;

/** `JSON.parse` of a challenge parameter, or `fallback` when Cognito sent none or not JSON. */
export function parsed<T>(
  text: string | undefined,
  fallback: T,
  check: (value: unknown) => boolean,
): T {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return check(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

/** A JSON list of strings from a challenge parameter (`["SMS_MFA","EMAIL_OTP"]`), or `[]`. */
export const list = (text: string | undefined): string[] =>
  parsed<unknown[]>(text, [], Array.isArray).filter((v): v is string => typeof v === 'string');

/**
 * The challenges beside a new password as results: a code (SMS or TOTP MFA, email and SMS
 * one-time codes), the choice of an MFA method, authenticator-app set-up inside the sign-in,
 * custom auth and choice-based sign-in's factor selection. `undefined` for a challenge none of
 * these is (the caller refuses it).
 */
export function moreChallenges(
  context: SignInContext,
  answer: AuthAnswer,
  username: string,
  respond: Respond,
): SignInResult | undefined {
  const name = answer.ChallengeName;
  const parameters = answer.ChallengeParameters ?? {};
  const checked =
    <A extends unknown[]>(work: (...args: A) => Promise<SignInResult>) =>
    async (...args: A) => {
      context.attempt.check();
      return work(...args);
    };
  switch (name) {
    case 'SMS_MFA':
    case 'SOFTWARE_TOKEN_MFA':
    case 'EMAIL_OTP':
    case 'SMS_OTP':
      return {
        username,
        challenge: {
          name,
          destination: parameters['CODE_DELIVERY_DESTINATION'],
          answer: checked(async (code: string) => {
            requireText(code, 'answer(code)');
            return respond({ [`${name}_CODE`]: code });
          }),
        },
      };
    case 'SELECT_MFA_TYPE': {
      const options = list(parameters['MFAS_CAN_CHOOSE']);
      return {
        username,
        challenge: {
          name,
          options,
          answer: checked(async (type: string) => {
            requireText(type, 'answer(type)');
            if (options.length > 0 && !options.includes(type)) {
              throw bad(`answer(type): choose one of ${options.join(', ')}.`);
            }
            return respond({ ANSWER: type });
          }),
        },
      };
    }
    case 'MFA_SETUP': {
      const { accounts } = context;
      let session = answer.Session;
      let associated = false;
      return {
        username,
        challenge: {
          name,
          options: list(parameters['MFAS_CAN_SETUP']),
          async setUpTotp() {
            context.attempt.check();
            if (accounts === undefined || session === undefined) {
              throw bad(
                'setUpTotp(): Cognito sent MFA_SETUP without a Session: call signIn() again.',
              );
            }
            const token = await accounts
              .byToken<{ SecretCode?: string; Session?: string }>('AssociateSoftwareToken', {
                Session: session,
              })
              .catch((error: unknown) => {
                throw toAccountError(error);
              });
            session = token.Session ?? session;
            const setup = totpSetup(token.SecretCode, username);
            associated = true;
            return setup;
          },
          answer: checked(async (code: string, options: { deviceName?: string } = {}) => {
            requireText(code, 'answer(code)');
            if (accounts === undefined || session === undefined || !associated) {
              throw bad('answer(code): call setUpTotp() first.');
            }
            const verified = await accounts
              .byToken<{ Session?: string }>(
                'VerifySoftwareToken',
                { Session: session },
                verifyBody(code, options.deviceName),
              )
              .catch((error: unknown) => {
                throw toAccountError(error);
              });
            session = verified.Session ?? session;
            return respond({}, session);
          }),
        },
      };
    }
    case 'CUSTOM_CHALLENGE':
      return {
        username,
        challenge: {
          name,
          parameters: { ...parameters },
          answer: checked(async (text: string) => {
            requireText(text, 'answer(answer)');
            return respond({ ANSWER: text });
          }),
        },
      };
    case 'SELECT_CHALLENGE': {
      const available = answer.AvailableChallenges ?? [];
      return {
        username,
        challenge: {
          name,
          available: [...available],
          answer: checked(async (factor: string, password?: string) => {
            requireText(factor, 'answer(factor)');
            if (factor === 'PASSWORD') {
              requireText(password, 'answer(password)');
              return respond({ ANSWER: factor, PASSWORD: password });
            }
            if (factor !== 'EMAIL_OTP' && factor !== 'SMS_OTP') {
              throw bad("answer(factor): choose 'PASSWORD', 'EMAIL_OTP' or 'SMS_OTP'.");
            }
            return respond({ ANSWER: factor });
          }),
        },
      };
    }
    default:
      return undefined;
  }
}
