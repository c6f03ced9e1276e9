import { ConfigurationError, CredentialsError } from '../errors';
import type { Credentials, CredentialsProvider } from './types';

/** Why a link said it had nothing to offer: our own messages as they are, others by name. */
function describeSkip(error: unknown, index: number): string {
  if (error instanceof CredentialsError) return error.message;
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : '';
  return `strategy #${index + 1}: ${name}${message ? `: ${message}` : ''}`;
}

/**
 * A strategy that tries strategies in order and resolves to the first credentials found.
 *
 * It moves on only when a strategy fails with an error that says `tryNextLink: true` ("not
 * configured here", as apig-signer's `CredentialsError`s and the AWS SDK's `ProviderError`s say);
 * any other error stops the chain and reaches the caller, since a strategy that is configured
 * but refused should not be papered over by the next one.
 *
 * @param strategies - the strategies, tried first to last.
 * @returns a {@link CredentialsProvider}.
 * @throws {@link ConfigurationError} at once when given no strategy or a non-function. When
 * called, the first error without `tryNextLink`, or a {@link CredentialsError}
 * (`ERR_CREDENTIALS_UNAVAILABLE`) that lists what was tried when every strategy passed.
 *
 * @example
 * ```ts
 * import { apigSigner, chain, fromEnv, fromStatic } from 'apig-signer';
 *
 * const credentials = chain(fromEnv(), fromStatic({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }));
 * api.interceptors.request.use(apigSigner({ credentials }));
 * ```
 */
export function chain(...strategies: CredentialsProvider[]): CredentialsProvider {
  if (strategies.length === 0) {
    throw new ConfigurationError('ERR_CONFIGURATION', 'chain() needs at least one strategy.');
  }
  strategies.forEach((strategy, index) => {
    if (typeof strategy !== 'function') {
      throw new ConfigurationError(
        'ERR_CONFIGURATION',
        `chain(): strategy #${index + 1} is not a function (got ${typeof strategy}).`,
      );
    }
  });
  return async function chainProvider(): Promise<Credentials> {
    const skipped: string[] = [];
    for (const [index, strategy] of strategies.entries()) {
      try {
        return await strategy();
      } catch (error) {
        if ((error as { tryNextLink?: unknown } | null)?.tryNextLink !== true) throw error;
        skipped.push(describeSkip(error, index));
      }
    }
    throw new CredentialsError(
      'ERR_CREDENTIALS_UNAVAILABLE',
      `No strategy in the chain could provide credentials. Tried: ${skipped.join('; ')}`,
      { tryNextLink: true },
    );
  };
}
