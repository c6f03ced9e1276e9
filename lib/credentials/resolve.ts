import { ApigSignerError, ConfigurationError, CredentialsError } from '../errors';
import type { Credentials, CredentialsProvider } from './types';
import { assertCredentialsOption, assertResolvedCredentials } from './validateCredentials';
import type { describeInvalidCredentials } from './validateCredentials';

const isThenable = (value: unknown): boolean =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** Turns the `credentials` option into a strategy; a plain object is validated now. */
export function toCredentialsProvider(
  credentials: CredentialsProvider | Credentials,
  where = 'apigSigner() credentials',
): CredentialsProvider {
  if (typeof credentials === 'function') return credentials;
  if (isThenable(credentials)) {
    throw new ConfigurationError(
      'ERR_INVALID_CREDENTIALS',
      `${where} is a Promise: pass the strategy itself (\`credentials: provider\`), not \`provider()\`, so credentials can be refreshed.`,
    );
  }
  assertCredentialsOption(credentials, where);
  const fixed: Credentials = { ...credentials };
  return () => Promise.resolve(fixed);
}

/**
 * Calls a strategy and checks the shape of what it returned (expiry is the caller's to judge:
 * memoize() with the corrected clock, signRequest with {@link assertUnexpired}). Errors that are
 * not ours are wrapped; their messages are not copied, since a third-party message may quote what
 * it was given. `describe` judges the shape:
 * `describeInvalidCredentials` (with the hints for other libraries' shapes) for strategies users
 * write, `describeCredentialsShape` for credentials apig-signer builds itself (no hint table in
 * the Cognito entry's bundle).
 */
export async function resolveCredentials(
  provider: CredentialsProvider,
  describe: typeof describeInvalidCredentials,
): Promise<Credentials> {
  let credentials: unknown;
  try {
    credentials = await provider();
  } catch (error) {
    if (error instanceof ApigSignerError) throw error;
    const name = error instanceof Error ? error.name : typeof error;
    throw new CredentialsError(
      'ERR_CREDENTIALS',
      `The credentials strategy failed (${name}); nothing was sent. See \`cause\`.`,
      { cause: error },
    );
  }
  assertResolvedCredentials(credentials, describe);
  return credentials;
}

/**
 * Refuses credentials whose `expiration` is not after `now` (`ERR_CREDENTIALS_EXPIRED`); returns
 * them otherwise. Kept apart from {@link resolveCredentials} so the Cognito entry, whose only
 * caller (memoize) judges expiry itself, does not carry it.
 */
export function assertUnexpired(credentials: Credentials, now: number): Credentials {
  if (credentials.expiration !== undefined && credentials.expiration.getTime() <= now) {
    throw new CredentialsError(
      'ERR_CREDENTIALS_EXPIRED',
      `The credentials strategy returned credentials that expired at ${credentials.expiration.toISOString()}; the request was not sent. Check the strategy's clock and source.`,
    );
  }
  return credentials;
}
