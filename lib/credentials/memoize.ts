import { ConfigurationError } from '../errors';
import { resolveCredentials } from './resolve';
import type { Credentials, CredentialsProvider } from './types';

/** Options of {@link memoize}. */
export interface MemoizeOptions {
  /**
   * How long before `expiration` cached credentials are refreshed, in milliseconds. For
   * credentials that live less than twice this long, half their lifetime is used instead, so a
   * short-lived source is not called on every request.
   * @defaultValue `300000` (5 minutes, as the AWS SDK)
   */
  refreshWindowMs?: number | undefined;
  /**
   * The clock, in milliseconds since the epoch; inject one in tests.
   * @defaultValue `Date.now`
   */
  now?: (() => number) | undefined;
}

/** A memoised strategy: a {@link CredentialsProvider} with a cache that can be dropped. */
export interface MemoizedCredentialsProvider extends CredentialsProvider {
  /**
   * The cached credentials if they need no refresh yet, without a promise; otherwise
   * `undefined` (call the provider). Lets a signer skip a round trip through the event loop.
   */
  peek(): Credentials | undefined;
  /**
   * Drops the cached credentials (and forgets a fetch under way): the next call fetches anew.
   * Used on sign-out and when AWS says the token has expired.
   */
  invalidate(): void;
}

const DEFAULT_REFRESH_WINDOW_MS = 300_000;

const memoized = new WeakSet<CredentialsProvider>();

/** Whether a strategy is already memoised (apigSigner does not wrap it twice). */
export function isMemoized(strategy: CredentialsProvider): strategy is MemoizedCredentialsProvider {
  return memoized.has(strategy);
}

interface CacheEntry {
  credentials: Credentials;
  /** From this instant the next call refreshes. */
  refreshAt: number;
  /** From this instant the credentials are never returned. */
  expiresAt: number;
}

/**
 * Wraps a strategy so credentials are fetched once, shared by concurrent callers, and refreshed
 * before they expire. `apigSigner` applies it to any strategy it is given.
 *
 * - Credentials without `expiration` are kept until {@link MemoizedCredentialsProvider.invalidate}.
 * - Inside the refresh window the next call fetches new credentials; if that fails, callers keep
 *   getting the still-valid ones and the call after retries. Credentials past `expiration` are
 *   never returned: then the error reaches the caller.
 * - Any number of callers during a fetch share that one fetch. Failures are not cached.
 * - A strategy that returns already-expired credentials is an error
 *   (`ERR_CREDENTIALS_EXPIRED`), not a loop.
 *
 * @param strategy - the strategy to memoise.
 * @param options - the refresh window and the clock.
 * @returns the memoised strategy, with `invalidate()`.
 * @throws {@link ConfigurationError} at once for a strategy that is not a function or malformed
 * options; when called, what the strategy threw (wrapped in a {@link CredentialsError} unless it
 * is already an `ApigSignerError`).
 *
 * @example
 * ```ts
 * import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
 * import { memoize } from 'apig-signer';
 *
 * const credentials = memoize(fromCognitoIdentityPool({ identityPoolId, clientConfig: { region } }));
 * const first = await credentials(); // fetched
 * const again = await credentials(); // cached until 5 minutes before expiration
 * credentials.invalidate(); // e.g. on sign-out
 * ```
 */
export function memoize(
  strategy: CredentialsProvider,
  options: MemoizeOptions = {},
): MemoizedCredentialsProvider {
  if (typeof strategy !== 'function') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'memoize(strategy): strategy must be a function.',
    );
  }
  const refreshWindowMs = options.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS;
  if (!(Number.isFinite(refreshWindowMs) && refreshWindowMs >= 0)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'memoize(): refreshWindowMs must be a number of milliseconds, 0 or more.',
    );
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'memoize(): now must be a function returning milliseconds.',
    );
  }

  let cached: CacheEntry | undefined;
  let inFlight: Promise<Credentials> | undefined;
  let generation = 0;

  function entryFor(credentials: Credentials, fetchedAt: number): CacheEntry {
    const expiresAt = credentials.expiration?.getTime() ?? Infinity;
    const window = Math.min(refreshWindowMs, (expiresAt - fetchedAt) / 2);
    return { credentials, refreshAt: expiresAt - window, expiresAt };
  }

  function refresh(): Promise<Credentials> {
    if (inFlight !== undefined) return inFlight;
    const startedIn = generation;
    const fetching = resolveCredentials(strategy, now)
      .then((credentials) => {
        if (startedIn === generation) cached = entryFor(credentials, now());
        return credentials;
      })
      .finally(() => {
        if (inFlight === fetching) inFlight = undefined;
      });
    inFlight = fetching;
    return fetching;
  }

  const provider = async function memoizedProvider(): Promise<Credentials> {
    const entry = cached;
    if (entry !== undefined) {
      if (now() < entry.refreshAt) return entry.credentials;
      if (now() < entry.expiresAt) {
        try {
          return await refresh();
        } catch (error) {
          // The refresh failed but the cached credentials still work: use them, retry next call.
          if (cached === entry && now() < entry.expiresAt) return entry.credentials;
          throw error;
        }
      }
      if (cached === entry) cached = undefined;
    }
    return refresh();
  } as MemoizedCredentialsProvider;

  provider.peek = function peek() {
    return cached !== undefined && now() < cached.refreshAt ? cached.credentials : undefined;
  };
  provider.invalidate = function invalidate() {
    cached = undefined;
    inFlight = undefined;
    generation += 1;
  };
  memoized.add(provider);
  return provider;
}
