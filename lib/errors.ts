/**
 * Every error apig-signer raises, with a stable `code` to branch on.
 *
 * - `ERR_CONFIGURATION`: an option is missing, malformed or unknown (see the message).
 * - `ERR_NO_REGION`: the host is allowlisted but its region cannot be derived; set `region`.
 * - `ERR_RELATIVE_URL`: the request URL is relative and there is no `baseURL` to resolve it.
 * - `ERR_INVALID_URL`: the request URL cannot be parsed.
 * - `ERR_INVALID_CREDENTIALS`: a strategy returned (or was given) credentials of the wrong shape.
 * - `ERR_CREDENTIALS_EXPIRED`: a strategy returned credentials that have already expired.
 * - `ERR_CREDENTIALS_UNAVAILABLE`: a strategy has nothing to offer here (for example `fromEnv()`
 *   without the variables); `chain()` moves on to the next strategy.
 * - `ERR_CREDENTIALS`: a strategy failed for another reason (see `cause`).
 * - `ERR_CREDENTIALS_TIMEOUT`: a strategy did not answer within `credentialsTimeoutMs`.
 * - `ERR_STREAM_BODY`: a stream body cannot be hashed; give its hash as `payloadHash`, or set
 *   `unsignedPayload: true`.
 * - `ERR_PAYLOAD_HASH`: a per-request `payloadHash` that is not 64 lower-case hex digits, or
 *   that goes with a body that is not a stream.
 * - `ERR_UNSUPPORTED_BODY`: the body after `transformRequest` is of a type that cannot be sent.
 * - `ERR_HEADER_VALUE`: a header value holds characters HTTP cannot carry unchanged.
 * - `ERR_BASIC_AUTH`: the request sets `auth` (HTTP Basic), which would replace the signature.
 * - `ERR_SIGNING`: signing failed for another reason (see `cause`).
 * - `ERR_HOST_NOT_ALLOWED`: a request asked to be signed (`apigSigner: { sign: true }`) for a host
 *   outside `hosts`.
 * - `ERR_INSECURE_URL`: a request to an AWS endpoint over `http://`; AWS is signed over https only.
 * - `ERR_REQUEST_CHANGED`: no longer raised (requests are signed at dispatch, after every
 *   interceptor, so nothing can change them after signing); kept so code that tests for it compiles.
 * - `ERR_BODY_NOT_REPLAYABLE`: a stream body was read by an earlier attempt (axios-retry) and
 *   cannot be signed and sent again; nothing was sent. As the code of an `AxiosError` (the 403,
 *   with this error as `cause`): AWS asked for a request to be signed again (clock skew, expired
 *   credentials) but its body was a stream that cannot be sent twice; nothing was re-sent.
 * - `ERR_REDIRECT`: a signed request was redirected where apig-signer does not follow (a
 *   `Location` that is not http(s), or that carries a user name or password).
 *
 * On an `AxiosError` rather than ours:
 * - `ERR_NO_CRYPTO`: the runtime has neither node:crypto nor WebCrypto (React Native, pages on
 *   plain http) and no `sha256` option was given; pass `Sha256` from `@aws-crypto/sha256-js`.
 *
 * From `apig-signer/cognito`:
 * - `ERR_NOT_SIGNED_IN`: credentials were asked for with nobody signed in (and no guest access).
 * - `ERR_SESSION_EXPIRED`: the refresh token was revoked or has expired; sign in again.
 * - `ERR_WRONG_PASSWORD`, `ERR_USER_NOT_FOUND`, `ERR_USER_NOT_CONFIRMED`,
 *   `ERR_TOO_MANY_ATTEMPTS`, `ERR_CODE_MISMATCH`, `ERR_INVALID_PASSWORD`: sign-in refused.
 * - `ERR_UNSUPPORTED_CHALLENGE`: Cognito asked for a challenge apig-signer does not answer.
 * - `ERR_COGNITO_THROTTLED`, `ERR_COGNITO_UNAVAILABLE`: Cognito throttled or failed, after
 *   retries with backoff.
 * - `ERR_COGNITO`: Cognito refused for another reason (see `cause`).
 * - `ERR_USER_DISABLED`: the user is disabled in the user pool.
 * - `ERR_MISSING_ATTRIBUTES`: `NEW_PASSWORD_REQUIRED` was answered without attributes the pool
 *   requires (named in the message and in `missingAttributes`).
 * - `ERR_CHALLENGE_EXPIRED`: a sign-in challenge was answered after its session expired, or
 *   twice; sign in again.
 * - `ERR_SIGN_IN_SUPERSEDED`: a later `signIn()` or a `signOut()` overtook this sign-in, which
 *   changed nothing.
 * - `ERR_COGNITO_TIMEOUT`: Cognito did not answer within `timeoutMs`, after retries.
 * - `ERR_CODE_EXPIRED`: a confirmation or verification code has expired; ask for a new one.
 * - `ERR_USERNAME_EXISTS`: `signUp()` for a user name (or an email or phone alias) taken.
 */
export type ApigSignerErrorCode =
  | 'ERR_CONFIGURATION'
  | 'ERR_NO_REGION'
  | 'ERR_RELATIVE_URL'
  | 'ERR_INVALID_URL'
  | 'ERR_INVALID_CREDENTIALS'
  | 'ERR_CREDENTIALS_EXPIRED'
  | 'ERR_CREDENTIALS_UNAVAILABLE'
  | 'ERR_CREDENTIALS'
  | 'ERR_CREDENTIALS_TIMEOUT'
  | 'ERR_STREAM_BODY'
  | 'ERR_PAYLOAD_HASH'
  | 'ERR_UNSUPPORTED_BODY'
  | 'ERR_HEADER_VALUE'
  | 'ERR_BASIC_AUTH'
  | 'ERR_SIGNING'
  | 'ERR_HOST_NOT_ALLOWED'
  | 'ERR_INSECURE_URL'
  | 'ERR_REQUEST_CHANGED'
  | 'ERR_BODY_NOT_REPLAYABLE'
  | 'ERR_REDIRECT'
  | 'ERR_NO_CRYPTO'
  | 'ERR_NOT_SIGNED_IN'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_WRONG_PASSWORD'
  | 'ERR_USER_NOT_FOUND'
  | 'ERR_USER_NOT_CONFIRMED'
  | 'ERR_TOO_MANY_ATTEMPTS'
  | 'ERR_CODE_MISMATCH'
  | 'ERR_INVALID_PASSWORD'
  | 'ERR_UNSUPPORTED_CHALLENGE'
  | 'ERR_COGNITO_THROTTLED'
  | 'ERR_COGNITO_UNAVAILABLE'
  | 'ERR_COGNITO'
  | 'ERR_USER_DISABLED'
  | 'ERR_MISSING_ATTRIBUTES'
  | 'ERR_CHALLENGE_EXPIRED'
  | 'ERR_SIGN_IN_SUPERSEDED'
  | 'ERR_COGNITO_TIMEOUT'
  | 'ERR_REFUSED_BY_TRIGGER'
  | 'ERR_PASSWORD_RESET_REQUIRED'
  | 'ERR_STORAGE'
  | 'ERR_CODE_EXPIRED'
  | 'ERR_USERNAME_EXISTS';

/**
 * Where an error records the classes it was made from: a registered symbol, so that every copy
 * of apig-signer loaded in one process (CommonJS and ESM builds, two versions) finds it.
 */
const ERROR_BRAND = Symbol.for('apig-signer.errorClasses');

/**
 * Records the names of `target` and its ancestors up to `Error` on `error`, unenumerable (so
 * equality checks, logs and JSON do not show it). The names are the classes' own: apig-signer's
 * build does not rename classes.
 */
function brand(error: Error, target: abstract new (...args: never[]) => unknown): void {
  const classes: string[] = [];
  for (
    let current: unknown = target;
    typeof current === 'function' && current !== Error;
    current = Object.getPrototypeOf(current)
  ) {
    classes.push((current as { name: string }).name);
  }
  Object.defineProperty(error, ERROR_BRAND, { value: classes });
}

/**
 * The base class of every error apig-signer raises.
 *
 * Messages say what happened and what to do; they never contain a secret key, session token,
 * password or JWT.
 *
 * @example
 * ```ts
 * import { ApigSignerError } from 'apig-signer';
 *
 * try {
 *   await api.get('/notes');
 * } catch (error) {
 *   if (error instanceof ApigSignerError && error.code === 'ERR_NO_REGION') {
 *     console.error(error.message); // names the host and the option to set
 *   }
 * }
 * ```
 */
export class ApigSignerError extends Error {
  /** The error's class name; survives minifiers. */
  override name: string = 'ApigSignerError';
  /** A stable identifier of what went wrong; safe to branch on. */
  readonly code: ApigSignerErrorCode;

  /**
   * @param code - the stable code of this error.
   * @param message - what happened and what to do.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(code: ApigSignerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    brand(this, new.target);
  }

  /**
   * `instanceof` that also recognises errors made by another copy of apig-signer in the same
   * process (the CommonJS and the ESM build both loaded, or two installed versions): such an
   * error carries, under a registered symbol, the names of the classes it was made from.
   *
   * @param value - the value on the left of `instanceof`.
   * @returns whether `value` is an instance of this class, from any copy.
   */
  static override [Symbol.hasInstance]<T>(
    this: abstract new (...args: never[]) => T,
    value: unknown,
  ): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const classes = (value as { [ERROR_BRAND]?: unknown } | null | undefined)?.[ERROR_BRAND];
    return Array.isArray(classes) && classes.includes(this.name);
  }
}

/**
 * An option given to apig-signer is missing or malformed. Raised before any network I/O.
 *
 * @example
 * ```ts
 * import { ConfigurationError, fromStatic } from 'apig-signer';
 *
 * try {
 *   fromStatic({ accessKeyId: '', secretAccessKey: '' });
 * } catch (error) {
 *   console.log(error instanceof ConfigurationError); // true
 * }
 * ```
 */
export class ConfigurationError extends ApigSignerError {
  /** The error's class name; survives minifiers. */
  override name = 'ConfigurationError' as const;
}

/**
 * A request could not be signed as it stands (its body, headers or URL).
 * Raised before any network I/O: the request is not sent.
 *
 * @example
 * ```ts
 * import { SigningError } from 'apig-signer';
 *
 * try {
 *   await api.post('/upload', fs.createReadStream('big.bin'));
 * } catch (error) {
 *   if (error instanceof SigningError && error.code === 'ERR_STREAM_BODY') {
 *     // buffer the body, or sign with `unsignedPayload: true`
 *   }
 * }
 * ```
 */
export class SigningError extends ApigSignerError {
  /** The error's class name; survives minifiers. */
  override name = 'SigningError' as const;
}

/**
 * A credentials strategy could not provide credentials.
 *
 * `tryNextLink` tells `chain()` whether another strategy may still succeed: `true` when this
 * strategy is simply not configured here, `false` when it was configured but refused.
 *
 * @example
 * ```ts
 * import { CredentialsError } from 'apig-signer';
 *
 * const fromVault = async () => {
 *   throw new CredentialsError('ERR_CREDENTIALS_UNAVAILABLE', 'vault: not configured', {
 *     tryNextLink: true,
 *   });
 * };
 * ```
 */
export class CredentialsError extends ApigSignerError {
  /** The error's class name; survives minifiers. */
  override name: string = 'CredentialsError';
  /** Whether `chain()` should try the next strategy after this error. */
  readonly tryNextLink: boolean;

  /**
   * @param code - the stable code of this error.
   * @param message - what happened and what to do.
   * @param options - `tryNextLink` (default `false`) and `cause`.
   */
  constructor(
    code: ApigSignerErrorCode,
    message: string,
    options?: { cause?: unknown; tryNextLink?: boolean },
  ) {
    super(code, message, options);
    this.tryNextLink = options?.tryNextLink ?? false;
  }
}
