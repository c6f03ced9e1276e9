import { ConfigurationError, CredentialsError } from '../errors';
import type { Credentials, CredentialsProvider } from './types';

/**
 * Names a link that had nothing to offer by its place, its function name and its error code (or
 * class): never its message, which a third-party strategy may fill with what it was given.
 */
function describeSkip(error: unknown, strategy: CredentialsProvider, index: number): string {
  const name = strategy.name ? ` (${strategy.name})` : '';
  const code = (error as { code?: unknown } | null)?.code;
  const kind =
    typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)
      ? code
      : error instanceof Error
        ? error.name
        : typeof error;
  return `#${index + 1}${name}: ${kind}`;
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
 * called, the first error without `tryNextLink`, as the strategy threw it, or a
 * {@link CredentialsError} (`ERR_CREDENTIALS_UNAVAILABLE`) when every strategy passed. Its
 * message names each strategy (place and function name) and its error code, never the
 * strategies' own messages, which may quote secrets; its `cause` is an `AggregateError` whose
 * `errors` are the strategies' errors as they threw them.
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
    const errors: unknown[] = [];
    for (const [index, strategy] of strategies.entries()) {
      try {
        return await strategy();
      } catch (error) {
        if ((error as { tryNextLink?: unknown } | null)?.tryNextLink !== true) throw error;
        skipped.push(describeSkip(error, strategy, index));
        errors.push(error);
      }
    }
    throw new CredentialsError(
      'ERR_CREDENTIALS_UNAVAILABLE',
      `No strategy in the chain could provide credentials. Tried: ${skipped.join('; ')}. Each strategy's own error is in \`cause.errors\`.`,
      {
        tryNextLink: true,
        cause: new AggregateError(errors, 'The errors of the strategies in the chain, in order.'),
      },
    );
  };
}
