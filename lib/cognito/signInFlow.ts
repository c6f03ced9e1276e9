import type {
  CognitoUser,
  CognitoUserSession,
  IAuthenticationCallback,
} from 'amazon-cognito-identity-js';

import { ConfigurationError } from '../index';
import { AuthError } from './errors';
import { missingAttributesError, toAuthError } from './failures';
import { issuedTokens } from './sessionStore';
import type { Tokens } from './sessionStore';
import type { SignInResult } from './types';

/** What one sign-in attempt needs from the session it may start. */
export interface SignInAttempt {
  /** Rejects with `ERR_SIGN_IN_SUPERSEDED` when a later sign-in or a sign-out came first. */
  check(): void;
  /** Starts the session of the signed-in user (checks first). */
  commit(username: string, tokens: Tokens): void;
}

type Step = (callbacks: IAuthenticationCallback) => void;

const tokensOf = (session: CognitoUserSession): Tokens =>
  issuedTokens(
    session.getIdToken().getJwtToken(),
    session.getAccessToken().getJwtToken(),
    session.getRefreshToken().getToken(),
  );

const present = (value: string | undefined) => typeof value === 'string' && value !== '';

function requireAnswer(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `answer(): ${what} must be a non-empty string.`,
    );
  }
}

/**
 * Runs one step of a sign-in with amazon-cognito-identity-js (which does the SRP arithmetic) and
 * turns its callbacks into a result: signed in (the attempt commits), a challenge to answer
 * (each answer is the next step), or a typed error.
 */
export function runSignInStep(
  user: CognitoUser,
  attempt: SignInAttempt,
  step: Step,
): Promise<SignInResult> {
  const next = (following: Step) => runSignInStep(user, attempt, following);
  return new Promise<SignInResult>((resolve, reject) => {
    const settle = (result: () => SignInResult) => {
      try {
        attempt.check();
        resolve(result());
      } catch (error) {
        reject(toAuthError(error));
      }
    };
    const unsupported = (name: string) => {
      reject(
        new AuthError(
          'ERR_UNSUPPORTED_CHALLENGE',
          `Cognito asked for the ${name} challenge, which apig-signer does not answer: turn it off for this app client, or sign in with amazon-cognito-identity-js directly.`,
        ),
      );
    };
    step({
      onSuccess: (session) => {
        settle(() => {
          attempt.commit(user.getUsername(), tokensOf(session));
          return { username: user.getUsername() };
        });
      },
      onFailure: (error: unknown) => {
        reject(toAuthError(error));
      },
      newPasswordRequired: (
        userAttributes: Record<string, string> | null,
        requiredAttributes: string[] | null,
      ) => {
        const attributes = { ...(userAttributes ?? {}) };
        // Cognito returns these, but refuses them back in the answer.
        delete attributes['email_verified'];
        delete attributes['phone_number_verified'];
        const required = requiredAttributes ?? [];
        settle(() => ({
          username: user.getUsername(),
          challenge: {
            name: 'NEW_PASSWORD_REQUIRED',
            userAttributes: attributes,
            requiredAttributes: required,
            answer: async (newPassword, given = {}) => {
              attempt.check();
              requireAnswer(newPassword, 'newPassword');
              const missing = required.filter(
                (name) => !present(given[name]) && !present(attributes[name]),
              );
              if (missing.length > 0) throw missingAttributesError(missing);
              return next((callbacks) => {
                user.completeNewPasswordChallenge(newPassword, given, callbacks);
              });
            },
          },
        }));
      },
      mfaRequired: (_name: unknown, parameters: Record<string, string> | undefined) => {
        settle(() => ({
          username: user.getUsername(),
          challenge: {
            name: 'SMS_MFA',
            destination: parameters?.['CODE_DELIVERY_DESTINATION'],
            answer: async (code) => {
              attempt.check();
              requireAnswer(code, 'code');
              return next((callbacks) => {
                user.sendMFACode(code, callbacks, 'SMS_MFA');
              });
            },
          },
        }));
      },
      totpRequired: () => {
        settle(() => ({
          username: user.getUsername(),
          challenge: {
            name: 'SOFTWARE_TOKEN_MFA',
            answer: async (code) => {
              attempt.check();
              requireAnswer(code, 'code');
              return next((callbacks) => {
                user.sendMFACode(code, callbacks, 'SOFTWARE_TOKEN_MFA');
              });
            },
          },
        }));
      },
      selectMFAType: () => {
        unsupported('SELECT_MFA_TYPE');
      },
      mfaSetup: () => {
        unsupported('MFA_SETUP');
      },
      customChallenge: () => {
        unsupported('CUSTOM_CHALLENGE');
      },
    });
  });
}
