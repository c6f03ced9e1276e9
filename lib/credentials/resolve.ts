import { ApigSignerError, CredentialsError } from '../errors';
import type { Credentials, CredentialsProvider } from './types';
import { assertCredentialsOption, assertResolvedCredentials } from './validateCredentials';

/** Turns the `credentials` option into a strategy; a plain object is validated now. */
export function toCredentialsProvider(
  credentials: CredentialsProvider | Credentials,
): CredentialsProvider {
  if (typeof credentials === 'function') return credentials;
  assertCredentialsOption(credentials, 'apigSigner() credentials');
  const fixed: Credentials = { ...credentials };
  return () => Promise.resolve(fixed);
}

/**
 * Calls a strategy and checks what it returned: the shape, and that the credentials have not
 * already expired. Errors that are not ours are wrapped; their messages are not copied, since a
 * third-party message may quote what it was given.
 */
export async function resolveCredentials(
  provider: CredentialsProvider,
  now: () => number = Date.now,
): Promise<Credentials> {
  let credentials: unknown;
  try {
    credentials = await provider();
  } catch (error) {
    if (error instanceof ApigSignerError) throw error;
    const name = error instanceof Error ? error.name : typeof error;
    throw new CredentialsError(
      'ERR_CREDENTIALS',
      `The credentials strategy failed (${name}); the request was not sent. See \`cause\` for details.`,
      { cause: error },
    );
  }
  assertResolvedCredentials(credentials);
  if (credentials.expiration !== undefined && credentials.expiration.getTime() <= now()) {
    throw new CredentialsError(
      'ERR_CREDENTIALS_EXPIRED',
      `The credentials strategy returned credentials that expired at ${credentials.expiration.toISOString()}; the request was not sent. Check the strategy's clock and source.`,
    );
  }
  return credentials;
}
