import { ApigSignerError, ConfigurationError } from '../index';
import { AuthError, SessionExpiredError } from './errors';
import { CognitoFailure, toAuthError } from './failures';

/**
 * A failure of an account call as a typed error. Beyond sign-in's (`toAuthError`): an expired
 * code is `ERR_CODE_EXPIRED` (ask for another), a taken user name `ERR_USERNAME_EXISTS`, and a
 * revoked or expired access token a {@link SessionExpiredError}, never a wrong password.
 * Messages never hold what the user typed.
 */
export function toAccountError(error: unknown): ApigSignerError {
  if (error instanceof ApigSignerError || !(error instanceof CognitoFailure)) {
    return toAuthError(error);
  }
  const cause = { cause: error };
  switch (error.code) {
    case 'ExpiredCodeException':
      return new AuthError('ERR_CODE_EXPIRED', 'The code has expired: ask for a new one.', cause);
    case 'UsernameExistsException':
    case 'AliasExistsException':
      return new AuthError(
        'ERR_USERNAME_EXISTS',
        'This user name (or email or phone number) is taken.',
        cause,
      );
    case 'EnableSoftwareTokenMFAException': // a wrong code at TOTP set-up
      return toAuthError(new CognitoFailure('CodeMismatchException', '', 400, cause));
    case 'NotAuthorizedException':
      if (/access token|token has been revoked|token.*expired/i.test(error.message)) {
        return new SessionExpiredError(
          'The session has expired or was revoked: sign in again.',
          cause,
        );
      }
      if (/unauthorized attribute/i.test(error.message)) {
        return new ConfigurationError(
          'ERR_CONFIGURATION',
          `Cognito says "${error.message}": check the app client's attribute write permissions.`,
          cause,
        );
      }
      return toAuthError(error);
    default:
      return toAuthError(error);
  }
}
