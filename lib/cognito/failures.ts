import { ApigSignerError } from '../index';
import { AuthError, CognitoServiceError } from './errors';

/** How Cognito calls are retried on throttling and 5xx: bounded, with exponential backoff. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first backoff, in milliseconds; each retry doubles it, with jitter. */
  baseDelayMs: number;
}

interface ServiceFailure {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  statusCode?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The service's error type (`__type`), as amazon-cognito-identity-js and the AWS SDK expose it. */
function typeOf(error: unknown): string {
  const failure = (error ?? {}) as ServiceFailure;
  if (typeof failure.code === 'string') return failure.code;
  if (typeof failure.name === 'string') return failure.name;
  return 'UnknownError';
}

function statusOf(error: unknown): number | undefined {
  const failure = (error ?? {}) as ServiceFailure;
  const status = failure.statusCode ?? failure.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const UNAVAILABLE = new Set([
  'InternalErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'NetworkError',
]);

function classify(error: unknown): 'throttled' | 'unavailable' | undefined {
  const type = typeOf(error);
  if (THROTTLING.has(type)) return 'throttled';
  const status = statusOf(error);
  if (UNAVAILABLE.has(type) || (status !== undefined && status >= 500)) return 'unavailable';
  // fetch's own failures: amazon-cognito-identity-js says "Network error", undici a TypeError.
  if (error instanceof TypeError || (error as ServiceFailure | null)?.message === 'Network error') {
    return 'unavailable';
  }
  return undefined;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Runs a Cognito call, retrying throttling and 5xx answers with exponential backoff and jitter,
 * at most `policy.retries` times; then gives up with a {@link CognitoServiceError}. Other errors
 * pass through at once.
 */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  run: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ApigSignerError) throw error;
      const kind = classify(error);
      if (kind === undefined) throw error;
      if (attempt >= policy.retries) {
        throw new CognitoServiceError(
          kind === 'throttled' ? 'ERR_COGNITO_THROTTLED' : 'ERR_COGNITO_UNAVAILABLE',
          `${what}: Cognito ${kind === 'throttled' ? 'throttled the request' : 'failed or could not be reached'} (${typeOf(error)}) ${attempt + 1} times; try again later.`,
          { cause: error },
        );
      }
      await sleep(policy.baseDelayMs * 2 ** attempt * (0.5 + Math.random() / 2));
    }
  }
}

/** A sign-in failure from Cognito as a typed error, its message free of anything the user typed. */
export function toAuthError(error: unknown): ApigSignerError {
  if (error instanceof ApigSignerError) return error;
  const type = typeOf(error);
  const cause = { cause: error };
  switch (type) {
    case 'NotAuthorizedException':
      return /attempts exceeded/i.test(String((error as ServiceFailure).message))
        ? new AuthError(
            'ERR_TOO_MANY_ATTEMPTS',
            'Too many failed sign-in attempts: wait before trying again.',
            cause,
          )
        : new AuthError('ERR_WRONG_PASSWORD', 'Incorrect username or password.', cause);
    case 'UserNotFoundException':
      return new AuthError('ERR_USER_NOT_FOUND', 'There is no such user in this user pool.', cause);
    case 'UserNotConfirmedException':
      return new AuthError(
        'ERR_USER_NOT_CONFIRMED',
        'The user has not confirmed sign-up yet: confirm the account, then sign in.',
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
      return new AuthError(
        'ERR_INVALID_PASSWORD',
        "The new password does not meet the user pool's password policy.",
        cause,
      );
    default:
      return new CognitoServiceError(
        'ERR_COGNITO',
        `Cognito refused the request (${type}).`,
        cause,
      );
  }
}
