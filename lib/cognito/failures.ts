import { ApigSignerError, ConfigurationError } from '../index';
import { AuthError, CognitoServiceError } from './errors';
import type { PasswordRule } from './errors';

/** How Cognito calls are retried on throttling, 5xx, network errors and timeouts. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 to 10). */
  retries: number;
  /** The first backoff, in milliseconds; each retry doubles it, with jitter. */
  baseDelayMs: number;
}

/**
 * A failed Cognito call as both pools report it: the error type (`__type`, such as
 * `NotAuthorizedException`), Cognito's message and the HTTP status (`0`: no answer).
 * `code` is the error type again, the name most JavaScript Cognito clients read.
 */
export class CognitoFailure extends Error {
  override name: string;
  readonly code: string;
  constructor(
    type: string,
    message: string,
    readonly statusCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = type;
    this.code = type;
  }
}

/** The error type of a failure, or `'UnknownError'`. */
export function typeOf(error: unknown): string {
  return error instanceof CognitoFailure ? error.code : 'UnknownError';
}

const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const UNAVAILABLE = new Set(['InternalErrorException', 'InternalFailure', 'ServiceUnavailable']);

/** Which failures are worth another attempt: the same rule for the user and identity pools. */
export function classify(error: unknown): 'throttled' | 'unavailable' | 'timeout' | undefined {
  if (!(error instanceof CognitoFailure)) return undefined;
  if (error.code === 'RequestTimeout') return 'timeout';
  if (THROTTLING.has(error.code)) return 'throttled';
  if (UNAVAILABLE.has(error.code) || error.statusCode === 0 || error.statusCode >= 500) {
    return 'unavailable';
  }
  return undefined;
}

/** A failure that outlived its retries, as a typed error. */
export function exhausted(
  what: string,
  error: CognitoFailure,
  attempts: number,
): CognitoServiceError {
  const kind = classify(error);
  const times = `${attempts} time${attempts === 1 ? '' : 's'}`;
  if (kind === 'timeout') {
    return new CognitoServiceError(
      'ERR_COGNITO_TIMEOUT',
      `${what}: Cognito did not answer in time (${times}); check the network, or raise \`timeoutMs\`.`,
      { cause: error },
    );
  }
  return new CognitoServiceError(
    kind === 'throttled' ? 'ERR_COGNITO_THROTTLED' : 'ERR_COGNITO_UNAVAILABLE',
    `${what}: Cognito ${kind === 'throttled' ? 'throttled the request' : 'failed or could not be reached'} (${error.code}) ${times}; try again later.`,
    { cause: error },
  );
}

const PASSWORD_RULES: Array<[RegExp, PasswordRule, string]> = [
  [/long enough|length/i, 'length', 'it is too short'],
  [/lowercase/i, 'lowercase', 'it needs a lower-case letter'],
  [/uppercase/i, 'uppercase', 'it needs an upper-case letter'],
  [/numeric|number/i, 'numbers', 'it needs a digit'],
  [/symbol/i, 'symbols', 'it needs a symbol'],
  [/previously|reuse|history/i, 'history', 'it was used before'],
];

function invalidPassword(error: CognitoFailure): AuthError {
  const rule = PASSWORD_RULES.find(([pattern]) => pattern.test(error.message));
  return new AuthError(
    'ERR_INVALID_PASSWORD',
    `The new password does not meet the user pool's password policy${rule === undefined ? '' : `: ${rule[2]}`}.`,
    { cause: error, passwordRule: rule?.[1] },
  );
}

/** The attributes named in Cognito's "Invalid attributes given, name and address is missing". */
export function missingAttributesIn(message: string): string[] | undefined {
  const match = /attributes given, (.+) (?:is|are) missing/i.exec(message);
  return match?.[1]?.split(/\s*(?:,|\band\b)\s*/).filter((name) => name !== '');
}

export function missingAttributesError(names: readonly string[], cause?: unknown): AuthError {
  return new AuthError(
    'ERR_MISSING_ATTRIBUTES',
    `The new password needs these required attributes: ${names.join(', ')}. Pass them as answer()'s second argument.`,
    { cause, missingAttributes: names },
  );
}

/** Cognito's own words, quoted, for a message that then says what to change. */
export const says = (error: CognitoFailure) =>
  error.message === '' ? `Cognito refused (${error.code})` : `Cognito says "${error.message}"`;

/**
 * A refusal that means the app's settings (or the user pool's) are wrong, not the user's
 * input: a typed error that keeps Cognito's words and names what to change; else `undefined`.
 */
export function configurationRefusal(
  error: CognitoFailure,
  flow?: string,
): ConfigurationError | undefined {
  const cause = { cause: error };
  if (error.code === 'ResourceNotFoundException' && /client/i.test(error.message)) {
    return new ConfigurationError(
      'ERR_CONFIGURATION',
      `${says(error)}: check \`clientId\` and \`region\`.`,
      cause,
    );
  }
  if (error.code === 'NotAuthorizedException' && /secret was not received/i.test(error.message)) {
    return new ConfigurationError(
      'ERR_CONFIGURATION',
      `${says(error)}: this app client has a client secret: pass \`clientSecret\` (servers, the CLI), or use a client without one.`,
      cause,
    );
  }
  if (error.code === 'NotAuthorizedException' && /secret hash/i.test(error.message)) {
    return new ConfigurationError(
      'ERR_CONFIGURATION',
      `${says(error)}: \`clientSecret\` is not this app client's secret.`,
      cause,
    );
  }
  if (
    (error.code === 'InvalidParameterException' || error.code === 'NotAuthorizedException') &&
    /flow.*not (?:enabled|supported)|not enabled for this client/i.test(error.message)
  ) {
    return new ConfigurationError(
      'ERR_CONFIGURATION',
      `${says(error)}: allow ${flow === undefined ? 'this flow' : `ALLOW_${flow}`} in the app client's authentication flows${flow === undefined ? '' : ', or set `authFlow` to one it allows'}.`,
      cause,
    );
  }
  return undefined;
}

/**
 * A sign-in (or password reset) failure as a typed error, free of anything the user typed.
 * `flow` is the sign-in's `AuthFlow`, named when the app client does not allow it.
 */
export function toAuthError(error: unknown, flow?: string): ApigSignerError {
  if (error instanceof ApigSignerError) return error;
  if (!(error instanceof CognitoFailure)) return toServiceError(error);
  const cause = { cause: error };
  const configuration = configurationRefusal(error, flow);
  if (configuration !== undefined) return configuration;
  switch (error.code) {
    case 'UserLambdaValidationException':
      return new AuthError(
        'ERR_REFUSED_BY_TRIGGER',
        `${says(error)}: a Lambda trigger of the user pool refused.`,
        cause,
      );
    case 'PasswordResetRequiredException':
      return new AuthError(
        'ERR_PASSWORD_RESET_REQUIRED',
        `${says(error)}: call forgotPassword(), then confirmForgotPassword() with the code.`,
        cause,
      );
    case 'NotAuthorizedException':
      if (/attempts exceeded/i.test(error.message)) {
        return new AuthError(
          'ERR_TOO_MANY_ATTEMPTS',
          'Too many failed attempts: wait before trying again.',
          cause,
        );
      }
      if (/disabled/i.test(error.message)) {
        return new AuthError(
          'ERR_USER_DISABLED',
          'The user is disabled: a user-pool administrator must enable it.',
          cause,
        );
      }
      if (/session/i.test(error.message)) {
        return new AuthError(
          'ERR_CHALLENGE_EXPIRED',
          'This sign-in step expired (after 3 minutes) or was already answered: call signIn() again.',
          cause,
        );
      }
      return new AuthError('ERR_WRONG_PASSWORD', 'Incorrect username or password.', cause);
    case 'UserNotFoundException':
      return new AuthError('ERR_USER_NOT_FOUND', 'There is no such user in this user pool.', cause);
    case 'UserNotConfirmedException':
      return new AuthError(
        'ERR_USER_NOT_CONFIRMED',
        'The user has not confirmed sign-up: confirm it, then sign in.',
        cause,
      );
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      return new AuthError(
        'ERR_TOO_MANY_ATTEMPTS',
        'Too many failed attempts: wait before trying again.',
        cause,
      );
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      return new AuthError(
        'ERR_CODE_MISMATCH',
        'The code is wrong or has expired: ask for it again.',
        cause,
      );
    case 'InvalidPasswordException':
      return invalidPassword(error);
    case 'InvalidParameterException': {
      const missing = missingAttributesIn(error.message);
      if (missing !== undefined && missing.length > 0)
        return missingAttributesError(missing, error);
      return toServiceError(error);
    }
    default:
      return toServiceError(error);
  }
}

/**
 * A failure of a call that is not a sign-in (a refresh, the identity pool) as a typed error:
 * throttling-like limits are `ERR_COGNITO_THROTTLED`, never a sign-in attempt limit.
 */
export function toServiceError(error: unknown, what = 'Cognito'): ApigSignerError {
  if (error instanceof ApigSignerError) return error;
  const type = typeOf(error);
  if (type === 'LimitExceededException' || type === 'TooManyFailedAttemptsException') {
    return new CognitoServiceError(
      'ERR_COGNITO_THROTTLED',
      `${what}: Cognito refused for now (${type}); try again later.`,
      { cause: error },
    );
  }
  if (error instanceof CognitoFailure) {
    const configuration = configurationRefusal(error);
    if (configuration !== undefined) return configuration;
    return new CognitoServiceError('ERR_COGNITO', `${what}: ${says(error)} (${type}).`, {
      cause: error,
    });
  }
  // Not Cognito's answer: a fault of this side (see `cause`), never called a refusal.
  const name = error instanceof Error ? error.name : typeof error;
  return new CognitoServiceError('ERR_COGNITO', `${what} failed here (${name}; see \`cause\`).`, {
    cause: error,
  });
}
