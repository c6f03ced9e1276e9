import { ConfigurationError, CredentialsError } from '../errors';
import type { Credentials } from './types';

/**
 * What a key id, secret or session token can hold: printable ASCII without spaces. Anything else
 * (a line break from a pasted file, a space, a non-ASCII character) cannot go into an HTTP header
 * or a SigV4 scope unchanged, so it would be sent mangled and refused with a puzzling 403.
 */
const KEY_MATERIAL = /^[\x21-\x7e]+$/;

const FIELDS = ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const;

/** Hints for objects that are credentials in another library's shape. */
function describeForeignShape(value: Record<string, unknown>): string | undefined {
  if (typeof value['getPromise'] === 'function' || typeof value['needsRefresh'] === 'function') {
    return 'an AWS SDK v2 `Credentials` object: wrap it in a strategy that awaits `getPromise()` and returns its keys, with `expiration: expireTime ?? undefined`';
  }
  if (value['accessKeyId'] === undefined && value['AccessKeyId'] !== undefined) {
    return "`AccessKeyId` (STS's shape): did you mean accessKeyId? Map the fields to accessKeyId, secretAccessKey, sessionToken, expiration";
  }
  if (
    value['accessKeyId'] === undefined &&
    (value['accessKey'] !== undefined || value['secretKey'] !== undefined)
  ) {
    return '`accessKey`/`secretKey` are sigV4Client.js names: name them `accessKeyId`, `secretAccessKey` and `sessionToken`';
  }
  return undefined;
}

/**
 * Why `value` is not usable credentials, or `undefined` when it is, without the hints for other
 * libraries' shapes: for credentials apig-signer builds itself (the Cognito entry's identity-pool
 * client, `fromAmplify`'s copy of Amplify's four fields), where those shapes cannot occur. Never
 * quotes a value.
 */
export function describeCredentialsShape(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return `expected an object with accessKeyId and secretAccessKey, got ${value === null ? 'null' : typeof value}`;
  }
  const record = value as Record<string, unknown>;
  for (const field of FIELDS) {
    const text = record[field];
    if (field === 'sessionToken' && text === undefined) continue;
    if (typeof text !== 'string' || text.trim() === '') {
      return `${field} must be a non-empty string${field === 'sessionToken' ? ', or left out' : ''}`;
    }
    if (!KEY_MATERIAL.test(text)) {
      return `${field} holds a space, line break or non-ASCII character: check how it was read (a trailing newline?)`;
    }
  }
  const { expiration } = record;
  if (
    expiration !== undefined &&
    !(expiration instanceof Date && !Number.isNaN(expiration.getTime()))
  ) {
    return 'expiration, when given, must be a valid Date';
  }
  return undefined;
}

/**
 * Why `value` is not usable credentials, or `undefined` when it is: {@link describeCredentialsShape}
 * after the hints for credentials in another library's shape (AWS SDK v2, STS, sigV4Client), for
 * what users write. Never quotes a value.
 */
export function describeInvalidCredentials(value: unknown): string | undefined {
  return (
    (typeof value === 'object' && value !== null
      ? describeForeignShape(value as Record<string, unknown>)
      : undefined) ?? describeCredentialsShape(value)
  );
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

/**
 * Throws a `CredentialsError` when a strategy resolved to something that is not credentials, as
 * `describe` (one of the two above) explains it.
 */
export function assertResolvedCredentials(
  value: unknown,
  describe: (value: unknown) => string | undefined,
): asserts value is Credentials {
  const problem = describe(value);
  if (problem !== undefined) {
    throw new CredentialsError(
      'ERR_INVALID_CREDENTIALS',
      `The \`credentials\` strategy returned unusable credentials: ${problem}.`,
    );
  }
}
