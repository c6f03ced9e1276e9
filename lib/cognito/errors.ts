import { ApigSignerError, CredentialsError } from '../index';

/**
 * Credentials were asked for while nobody is signed in (and guest access is off), or the
 * session they were asked for ended while they were on their way (`signOut()`, another user
 * signed in, another tab signed out).
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
  /** Always `ERR_NOT_SIGNED_IN`. */
  declare readonly code: 'ERR_NOT_SIGNED_IN';

  /** @param message - what happened and what to do. */
  constructor(message = 'Nobody is signed in: call signIn() first, or turn on `allowGuest`.') {
    super('ERR_NOT_SIGNED_IN', message);
  }
}

/**
 * The session cannot be renewed (the refresh token was revoked or has expired, or the user was
 * disabled): the user must sign in again. The session's tokens and cached credentials have been
 * dropped.
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
  /** Always `ERR_SESSION_EXPIRED`. */
  declare readonly code: 'ERR_SESSION_EXPIRED';

  /**
   * @param message - what happened and what to do.
   * @param options - `cause`: Cognito's answer.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SESSION_EXPIRED', message, options);
  }
}

/** The codes of {@link AuthError}: a `switch` on `error.code` narrows to these. */
export type AuthErrorCode =
  | 'ERR_WRONG_PASSWORD'
  | 'ERR_USER_NOT_FOUND'
  | 'ERR_USER_NOT_CONFIRMED'
  | 'ERR_USER_DISABLED'
  | 'ERR_TOO_MANY_ATTEMPTS'
  | 'ERR_CODE_MISMATCH'
  | 'ERR_INVALID_PASSWORD'
  | 'ERR_MISSING_ATTRIBUTES'
  | 'ERR_UNSUPPORTED_CHALLENGE'
  | 'ERR_CHALLENGE_EXPIRED'
  | 'ERR_SIGN_IN_SUPERSEDED'
  | 'ERR_REFUSED_BY_TRIGGER'
  | 'ERR_PASSWORD_RESET_REQUIRED'
  | 'ERR_CODE_EXPIRED'
  | 'ERR_USERNAME_EXISTS';

/**
 * The rule of the user pool's password policy a new password broke: too short, or without
 * lower-case letters, upper-case letters, digits or symbols, or used before.
 */
export type PasswordRule = 'length' | 'lowercase' | 'uppercase' | 'numbers' | 'symbols' | 'history';

/**
 * Sign-in (or a password reset) was refused. `code` says why:
 *
 * - `ERR_WRONG_PASSWORD`, `ERR_USER_NOT_FOUND`, `ERR_USER_NOT_CONFIRMED`, `ERR_USER_DISABLED`;
 * - `ERR_TOO_MANY_ATTEMPTS`: wait before trying again;
 * - `ERR_CODE_MISMATCH`: a wrong or expired MFA or confirmation code;
 * - `ERR_CODE_EXPIRED`: a sign-up or attribute verification code that has expired: ask for
 *   another (`resendSignUpCode`, `sendUserAttributeVerificationCode`);
 * - `ERR_USERNAME_EXISTS`: `signUp()` with a user name (or alias) another user has;
 * - `ERR_INVALID_PASSWORD`: the new password breaks the policy ({@link AuthError.passwordRule});
 * - `ERR_MISSING_ATTRIBUTES`: `NEW_PASSWORD_REQUIRED` was answered without attributes the pool
 *   requires ({@link AuthError.missingAttributes});
 * - `ERR_UNSUPPORTED_CHALLENGE`: a challenge apig-signer does not answer
 *   ({@link AuthError.challengeName}); the message says which setting of the user pool asks for it;
 * - `ERR_REFUSED_BY_TRIGGER`: a Lambda trigger of the user pool (such as PreAuthentication)
 *   refused; the message quotes it;
 * - `ERR_PASSWORD_RESET_REQUIRED`: an administrator requires a new password: `forgotPassword()`;
 * - `ERR_CHALLENGE_EXPIRED`: the challenge's session expired (Cognito keeps it 3 minutes) or was
 *   answered already: call `signIn()` again;
 * - `ERR_SIGN_IN_SUPERSEDED`: another `signIn()` or a `signOut()` came after this sign-in began;
 *   the later one counts, this one changed nothing.
 *
 * @example
 * ```ts
 * import { AuthError } from 'apig-signer/cognito';
 *
 * try {
 *   await auth.signIn(username, password);
 * } catch (error) {
 *   if (error instanceof AuthError) {
 *     switch (error.code) {
 *       case 'ERR_WRONG_PASSWORD':
 *         showMessage('Wrong password');
 *         break;
 *       case 'ERR_INVALID_PASSWORD':
 *         showMessage(`The password breaks the rule: ${error.passwordRule ?? 'see the policy'}`);
 *         break;
 *       default:
 *         showMessage(error.message);
 *     }
 *   }
 * }
 * ```
 */
export class AuthError extends ApigSignerError {
  /** The error's class name; survives minifiers. */
  override name = 'AuthError' as const;
  /** Why sign-in was refused. */
  declare readonly code: AuthErrorCode;
  /** For `ERR_MISSING_ATTRIBUTES`: the attributes to send with the new password. */
  readonly missingAttributes: readonly string[] | undefined;
  /** For `ERR_INVALID_PASSWORD`: the rule of the password policy that failed, when Cognito says. */
  readonly passwordRule: PasswordRule | undefined;
  /** For `ERR_UNSUPPORTED_CHALLENGE`: the challenge Cognito asked for, such as `EMAIL_OTP`. */
  readonly challengeName: string | undefined;

  /**
   * @param code - why sign-in was refused.
   * @param message - what happened and what to do.
   * @param options - `cause` (Cognito's answer), `missingAttributes`, `passwordRule`,
   * `challengeName`.
   */
  constructor(
    code: AuthErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      missingAttributes?: readonly string[] | undefined;
      passwordRule?: PasswordRule | undefined;
      challengeName?: string | undefined;
    },
  ) {
    super(code, message, options);
    this.missingAttributes = options?.missingAttributes;
    this.passwordRule = options?.passwordRule;
    this.challengeName = options?.challengeName;
  }
}

/** The codes of {@link CognitoServiceError}: a `switch` on `error.code` narrows to these. */
export type CognitoServiceErrorCode =
  'ERR_COGNITO_THROTTLED' | 'ERR_COGNITO_UNAVAILABLE' | 'ERR_COGNITO_TIMEOUT' | 'ERR_COGNITO';

/**
 * Cognito throttled (`ERR_COGNITO_THROTTLED`), failed or could not be reached
 * (`ERR_COGNITO_UNAVAILABLE`), or did not answer within `timeoutMs` (`ERR_COGNITO_TIMEOUT`),
 * each after bounded retries with backoff; or it refused for another reason (`ERR_COGNITO`).
 * `cause` holds Cognito's error.
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
  /** What went wrong with Cognito. */
  declare readonly code: CognitoServiceErrorCode;

  /**
   * @param code - what went wrong with Cognito.
   * @param message - what happened and what to do.
   * @param options - `cause`: Cognito's error.
   */
  // Not useless: it narrows `code` to this class's codes.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(code: CognitoServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * The `storage` given to `createCognitoAuth` refused a write (such as `QuotaExceededError`)
 * while a sign-in or refresh was being kept. Nothing half-written is left: every item is put
 * back as it was, so after a refresh the previous tokens stay (and still work), and after a
 * sign-in the new user is not signed in on this device. `cause` holds the storage's error.
 *
 * @example
 * ```ts
 * import { StorageError } from 'apig-signer/cognito';
 *
 * try {
 *   await auth.signIn(username, password);
 * } catch (error) {
 *   if (error instanceof StorageError) showMessage('This device has no room left for the session.');
 * }
 * ```
 */
export class StorageError extends CredentialsError {
  /** The error's class name; survives minifiers. */
  override name = 'StorageError' as const;
  /** Always `ERR_STORAGE`. */
  declare readonly code: 'ERR_STORAGE';

  /**
   * @param message - what happened and what to do.
   * @param options - `cause`: the storage's error.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STORAGE', message, options);
  }
}
