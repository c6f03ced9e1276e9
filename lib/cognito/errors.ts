import { ApigSignerError, CredentialsError } from '../index';

/**
 * Credentials were asked for while nobody is signed in (and guest access is off).
 *
 * @example
 * ```ts
 * import { NotSignedInError } from 'apig-signer/cognito';
 *
 * try {
 *   await api.get('/notes');
 * } catch (error) {
 *   if (error instanceof NotSignedInError) showSignInPage();
 * }
 * ```
 */
export class NotSignedInError extends CredentialsError {
  /** The error's class name; survives minifiers. */
  override name = 'NotSignedInError' as const;

  /** @param message - what happened and what to do. */
  constructor(message = 'Nobody is signed in: call signIn() first, or turn on `allowGuest`.') {
    super('ERR_NOT_SIGNED_IN', message);
  }
}

/**
 * The session cannot be renewed (the refresh token was revoked or has expired): the user must
 * sign in again. The session's tokens and cached credentials have been dropped.
 *
 * @example
 * ```ts
 * import { SessionExpiredError } from 'apig-signer/cognito';
 *
 * api.interceptors.response.use(undefined, (error) => {
 *   if (error instanceof SessionExpiredError) showSignInPage();
 *   throw error;
 * });
 * ```
 */
export class SessionExpiredError extends CredentialsError {
  /** The error's class name; survives minifiers. */
  override name = 'SessionExpiredError' as const;

  /**
   * @param message - what happened and what to do.
   * @param options - `cause`: Cognito's answer.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SESSION_EXPIRED', message, options);
  }
}

/**
 * Sign-in was refused: wrong password (`ERR_WRONG_PASSWORD`), unknown user
 * (`ERR_USER_NOT_FOUND`), unconfirmed user (`ERR_USER_NOT_CONFIRMED`), too many attempts
 * (`ERR_TOO_MANY_ATTEMPTS`), wrong MFA code (`ERR_CODE_MISMATCH`), a new password the policy
 * refuses (`ERR_INVALID_PASSWORD`), or a challenge apig-signer does not answer
 * (`ERR_UNSUPPORTED_CHALLENGE`).
 *
 * @example
 * ```ts
 * import { AuthError } from 'apig-signer/cognito';
 *
 * try {
 *   await auth.signIn(username, password);
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === 'ERR_WRONG_PASSWORD') showMessage('Wrong password');
 * }
 * ```
 */
export class AuthError extends ApigSignerError {
  /** The error's class name; survives minifiers. */
  override name = 'AuthError' as const;
}

/**
 * Cognito throttled (`ERR_COGNITO_THROTTLED`), failed or could not be reached
 * (`ERR_COGNITO_UNAVAILABLE`) after bounded retries with backoff, or refused for another reason
 * (`ERR_COGNITO`). `cause` holds Cognito's error.
 *
 * @example
 * ```ts
 * import { CognitoServiceError } from 'apig-signer/cognito';
 *
 * try {
 *   await api.get('/notes');
 * } catch (error) {
 *   if (error instanceof CognitoServiceError && error.code === 'ERR_COGNITO_THROTTLED') retryLater();
 * }
 * ```
 */
export class CognitoServiceError extends CredentialsError {
  /** The error's class name; survives minifiers. */
  override name = 'CognitoServiceError' as const;
}
