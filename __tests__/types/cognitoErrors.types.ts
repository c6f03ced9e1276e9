// Type-level tests of the Cognito error codes, compiled by `npm run typecheck`.
import { AuthError, CognitoServiceError, NotSignedInError, StorageError } from '../../lib/cognito';
import type { AuthErrorCode, CognitoServiceErrorCode, PasswordRule } from '../../lib/cognito';

declare const error: unknown;

// A `switch` on `code` narrows to the class's own codes: every case is checked, none is missing.
export function describeAuthError(): string {
  if (!(error instanceof AuthError)) return '';
  switch (error.code) {
    case 'ERR_WRONG_PASSWORD':
    case 'ERR_USER_NOT_FOUND':
    case 'ERR_USER_NOT_CONFIRMED':
    case 'ERR_USER_DISABLED':
    case 'ERR_TOO_MANY_ATTEMPTS':
    case 'ERR_CODE_MISMATCH':
    case 'ERR_CHALLENGE_EXPIRED':
    case 'ERR_SIGN_IN_SUPERSEDED':
    case 'ERR_REFUSED_BY_TRIGGER':
    case 'ERR_PASSWORD_RESET_REQUIRED':
    case 'ERR_CODE_EXPIRED':
    case 'ERR_USERNAME_EXISTS':
      return error.message;
    case 'ERR_UNSUPPORTED_CHALLENGE': {
      const name: string | undefined = error.challengeName;
      return name ?? '';
    }
    case 'ERR_INVALID_PASSWORD': {
      const rule: PasswordRule | undefined = error.passwordRule;
      return rule ?? '';
    }
    case 'ERR_MISSING_ATTRIBUTES':
      return (error.missingAttributes ?? []).join(', ');
    default: {
      const never: never = error.code;
      return never;
    }
  }
}

export function serviceCode(): CognitoServiceErrorCode | undefined {
  if (!(error instanceof CognitoServiceError)) return undefined;
  // @ts-expect-error: a sign-in code is not a CognitoServiceError code
  if (error.code === 'ERR_WRONG_PASSWORD') return undefined;
  return error.code;
}

export const notSignedIn: 'ERR_NOT_SIGNED_IN' = new NotSignedInError().code;
export const storageFailed: 'ERR_STORAGE' = new StorageError('full').code;
// @ts-expect-error: AuthError codes are their own
export const wrong: AuthErrorCode = 'ERR_NO_REGION';
