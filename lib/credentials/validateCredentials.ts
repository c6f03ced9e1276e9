import { ConfigurationError, CredentialsError } from '../errors';
import type { Credentials } from './types';

/** Why `value` is not usable credentials, or `undefined` when it is. Never quotes a value. */
export function describeInvalidCredentials(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return `expected an object with accessKeyId and secretAccessKey, got ${value === null ? 'null' : typeof value}`;
  }
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = value as Record<
    string,
    unknown
  >;
  if (typeof accessKeyId !== 'string' || accessKeyId.trim() === '') {
    return 'accessKeyId must be a non-empty string';
  }
  if (typeof secretAccessKey !== 'string' || secretAccessKey.trim() === '') {
    return 'secretAccessKey must be a non-empty string';
  }
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '')) {
    return 'sessionToken, when given, must be a non-empty string';
  }
  if (
    expiration !== undefined &&
    !(expiration instanceof Date && !Number.isNaN(expiration.getTime()))
  ) {
    return 'expiration, when given, must be a valid Date';
  }
  return undefined;
}

/** Throws a `ConfigurationError` when credentials given in options are malformed. */
export function assertCredentialsOption(
  value: unknown,
  where: string,
): asserts value is Credentials {
  const problem = describeInvalidCredentials(value);
  if (problem !== undefined) {
    throw new ConfigurationError('ERR_INVALID_CREDENTIALS', `${where}: ${problem}.`);
  }
}

/** Throws a `CredentialsError` when a strategy resolved to something that is not credentials. */
export function assertResolvedCredentials(value: unknown): asserts value is Credentials {
  const problem = describeInvalidCredentials(value);
  if (problem !== undefined) {
    throw new CredentialsError(
      'ERR_INVALID_CREDENTIALS',
      `The credentials strategy returned unusable credentials: ${problem}. Check the strategy passed as \`credentials\`.`,
    );
  }
}
