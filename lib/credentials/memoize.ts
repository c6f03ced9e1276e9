import { ConfigurationError, CredentialsError } from '../errors';
import { resolveCredentials } from './resolve';
import type { Credentials, CredentialsProvider } from './types';
import { assertTimeoutMs } from './timeout';
import { describeCredentialsShape, describeInvalidCredentials } from './validateCredentials';

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
   * How long a caller waits for the strategy before it fails with `ERR_CREDENTIALS_TIMEOUT`, in
   * milliseconds (1 to 2147483647). A fetch that times out is abandoned: the next call starts a
   * new one. A call may pass its own `timeoutMs` (see {@link CredentialsRequest}).
   * @defaultValue `30000`
   */
  timeoutMs?: number | undefined;
  /**
   * The clock, in milliseconds since the epoch; inject one in tests.
   * @defaultValue `Date.now`
   */
  now?: (() => number) | undefined;
}

/** What a caller of a memoised strategy may ask for on one call. */
export interface CredentialsRequest {
  /**
   * Give up waiting after this many milliseconds (1 to 2147483647).
   * @defaultValue the `timeoutMs` given to {@link memoize}
   */
  timeoutMs?: number | undefined;
  /**
   * The correction to add to the clock before deciding whether credentials have expired, in
   * milliseconds: the offset between this device and AWS, as `attachApigSigner` learns it.
   * @defaultValue `0`
   */
  clockOffsetMs?: number | undefined;
}

/** A memoised strategy: a {@link CredentialsProvider} with a cache that can be dropped. */
export interface MemoizedCredentialsProvider extends CredentialsProvider {
  /** Resolves to the cached credentials, or fetches them (once for all concurrent callers). */
  (request?: CredentialsRequest): Promise<Credentials>;
  /**
   * The cached credentials if they need no refresh yet, without a promise; otherwise
   * `undefined` (call the provider). Lets a signer skip a round trip through the event loop.
   */
  peek(request?: Pick<CredentialsRequest, 'clockOffsetMs'>): Credentials | undefined;
  /**
   * Drops cached credentials: the next call fetches anew.
   *
   * - `invalidate()` drops whatever is cached and every fetch under way; callers waiting on such
   *   a fetch are moved to a new one and never receive its result. Used on sign-out.
   * - `invalidate(credentials)` drops the cache only if it still holds exactly those
   *   credentials, and leaves a fetch under way alone: what a caller does when AWS refused the
   *   credentials it signed with. Any number of such calls for the same credentials lead to one
   *   new fetch.
   */
  invalidate(credentials?: Credentials): void;
}

const DEFAULT_REFRESH_WINDOW_MS = 300_000;
const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * How long credentials that arrive already expired by the device clock are used, measured on
 * that clock: the clock may be wrong (AWS's answer corrects it), and fetching again at once would
 * return the same credentials. Long enough not to refetch per request, short enough to pick up
 * a source that really returned stale keys.
 */
const ARRIVAL_GRACE_MS = 300_000;
/**
 * How long a refresh ahead of expiry may hold up callers whose cached credentials are still
 * valid: a strategy that is slow or hangs then costs them this much, not the whole timeout.
 */
const REFRESH_PATIENCE_MS = 2_000;
/** A caller is moved to a new fetch at most this often when invalidate() keeps being called. */
const MAX_FETCHES_PER_CALL = 3;

const memoized = new WeakSet<CredentialsProvider>();

/** Whether a strategy is already memoised (apigSigner does not wrap it twice). */
export function isMemoized(strategy: CredentialsProvider): strategy is MemoizedCredentialsProvider {
  return memoized.has(strategy);
}

interface CacheEntry {
  credentials: Credentials;
  /** From this instant (corrected clock) the next call refreshes. */
  refreshAt: number;
  /** From this instant (corrected clock) the credentials are never returned… */
  expiresAt: number;
  /** …unless they arrived looking expired and this instant (device clock) is still ahead. */
  graceUntil: number;
  /** Which fetch produced them: a late answer never replaces a newer one. */
  fetch: number;
}

interface Fetch {
  promise: Promise<Credentials>;
  id: number;
  generation: number;
  /** A caller gave up on it: its answer, if any, is late. */
  abandoned: boolean;
  /**
   * Settles `REFRESH_PATIENCE_MS` after the fetch started (never, if it answered first): how long
   * a refresh may keep callers that still hold valid credentials waiting.
   */
  patience: Promise<undefined>;
}

function timeoutError(timeoutMs: number): CredentialsError {
  return new CredentialsError(
    'ERR_CREDENTIALS_TIMEOUT',
    `The credentials strategy did not answer within ${timeoutMs} ms; nothing was sent. Check its network access, or raise \`credentialsTimeoutMs\`.`,
  );
}

function invalidatedError(): CredentialsError {
  return new CredentialsError(
    'ERR_CREDENTIALS',
    `The credentials were dropped ${MAX_FETCHES_PER_CALL} times while this request waited; nothing was sent. Retry it.`,
  );
}

/**
 * Wraps a strategy so credentials are fetched once, shared by concurrent callers, and refreshed
 * before they expire. `apigSigner` applies it to any strategy it is given.
 *
 * What it does:
 * - Credentials without `expiration` are kept until {@link MemoizedCredentialsProvider.invalidate}.
 * - Inside the refresh window the next call fetches new credentials, waiting for them at most
 *   2 seconds; while that refresh is slow, hangs or fails, callers keep getting the still-valid
 *   ones (a hung refresh is abandoned after the timeout) and the call after retries.
 * - Any number of callers during a fetch share that one fetch. Failures are not cached.
 * - A caller waits at most `timeoutMs`; then the fetch is abandoned, so the next call starts a
 *   new one. If the abandoned fetch answers later, its credentials fill the cache only if they
 *   are still valid and nothing newer arrived or was invalidated meanwhile.
 * - Expiry is judged on the clock plus the caller's `clockOffsetMs` (the correction
 *   `attachApigSigner` learns from AWS).
 * - Fresh credentials that already look expired (a device clock far ahead) are used for up to
 *   5 minutes of device time rather than thrown away unseen: AWS judges them, and its answer
 *   corrects the clock. They are fetched again after that, never per request.
 *
 * What it never does:
 * - return credentials past their expiration (outside that arrival grace);
 * - wait on a fetch that timed out, or hand out a fetch started before `invalidate()`;
 * - call the strategy again for every caller that reports the same refused credentials.
 *
 * @param strategy - the strategy to memoise.
 * @param options - the refresh window, the timeout and the clock.
 * @returns the memoised strategy, with `peek()` and `invalidate()`.
 * @throws {@link ConfigurationError} at once for a strategy that is not a function or malformed
 * options; when called, {@link CredentialsError} `ERR_CREDENTIALS_TIMEOUT` after the timeout, or
 * what the strategy threw (wrapped in a {@link CredentialsError} unless it is already an
 * `ApigSignerError`).
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
  return memoizeWith(strategy, checked(strategy, options), describeInvalidCredentials);
}

/**
 * {@link memoize} without the option checks, for `apigSigner`: it passes a strategy
 * `toCredentialsProvider` made (always a function) and no options, so the checks cannot fail and
 * their messages stay out of its bundle.
 *
 * @internal
 * @param strategy - a function, as `toCredentialsProvider` returns.
 * @returns the memoised strategy, with the default refresh window, timeout and clock.
 */
export function memoizeStrategy(strategy: CredentialsProvider): MemoizedCredentialsProvider {
  return memoizeWith(strategy, {}, describeInvalidCredentials);
}

/**
 * {@link memoize} for strategies apig-signer writes itself (`apig-signer/cognito`'s identity-pool
 * credentials and `fromAmplify`): the same cache and the same checks, without the hints for
 * credentials in another library's shape, which such a strategy never returns, so the Cognito
 * entry's bundle does not carry them. Not for users' strategies: use {@link memoize}.
 *
 * @internal
 * @param strategy - a strategy that builds `{ accessKeyId, secretAccessKey, sessionToken, expiration }` itself.
 * @param options - as for {@link memoize}.
 * @returns the memoised strategy.
 * @throws as {@link memoize}.
 */
export function memoizeOwn(
  strategy: CredentialsProvider,
  options: MemoizeOptions = {},
): MemoizedCredentialsProvider {
  return memoizeWith(strategy, checked(strategy, options), describeCredentialsShape);
}

/** Throws `ERR_CONFIGURATION` for a strategy that is not a function or malformed options. */
function checked(strategy: unknown, options: MemoizeOptions): MemoizeOptions {
  const { refreshWindowMs = 0, timeoutMs, now = Date.now } = options;
  if (typeof strategy !== 'function') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'memoize(strategy): strategy must be a function.',
    );
  }
  if (!(Number.isFinite(refreshWindowMs) && refreshWindowMs >= 0)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'memoize(): refreshWindowMs must be a number of milliseconds, 0 or more.',
    );
  }
  if (timeoutMs !== undefined) assertTimeoutMs(timeoutMs, 'memoize(): timeoutMs');
  if (typeof now !== 'function') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'memoize(): now must be a function returning milliseconds.',
    );
  }
  return options;
}

function memoizeWith(
  strategy: CredentialsProvider,
  options: MemoizeOptions,
  describe: typeof describeInvalidCredentials,
): MemoizedCredentialsProvider {
  const refreshWindowMs = options.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS;
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;

  let cached: CacheEntry | undefined;
  let inFlight: Fetch | undefined;
  /** Bumped by a full invalidate(): fetches started before it are disowned. */
  let generation = 0;
  let fetches = 0;
  /** The newest fetch whose answer was cached: an older late answer never fills the cache. */
  let newestCached = 0;

  function entryFor(credentials: Credentials, id: number, offset: number): CacheEntry {
    const fetchedAt = now() + offset;
    const expiresAt = credentials.expiration?.getTime() ?? Infinity;
    const lifetime = expiresAt - fetchedAt;
    // Half the lifetime for short-lived credentials; the full window when the lifetime cannot
    // be told because the credentials look expired already.
    const window = lifetime > 0 ? Math.min(refreshWindowMs, lifetime / 2) : refreshWindowMs;
    return {
      credentials,
      refreshAt: expiresAt - window,
      expiresAt,
      graceUntil: lifetime > 0 ? -Infinity : now() + ARRIVAL_GRACE_MS,
      fetch: id,
    };
  }

  const inGrace = (entry: CacheEntry) => now() < entry.graceUntil;
  const usable = (entry: CacheEntry, offset: number) =>
    now() + offset < entry.expiresAt || inGrace(entry);
  const fresh = (entry: CacheEntry, offset: number) =>
    now() + offset < entry.refreshAt || inGrace(entry);

  /** A timer that does not keep a Node process alive. */
  function unrefTimer(ms: number, fire: () => void): ReturnType<typeof setTimeout> {
    const handle = setTimeout(fire, ms);
    (handle as { unref?: () => void }).unref?.();
    return handle;
  }

  function start(offset: number, timeoutMs: number): Fetch {
    if (inFlight !== undefined) return inFlight;
    fetches += 1;
    let patienceTimer: ReturnType<typeof setTimeout> | undefined;
    const patience = new Promise<undefined>((resolve) => {
      patienceTimer = unrefTimer(REFRESH_PATIENCE_MS, () => {
        resolve(undefined);
      });
    });
    // Abandoned after its starter's timeout even when nobody waits that long (refreshes whose
    // callers went on with the cached credentials): then the next refresh starts anew.
    const deadline = unrefTimer(timeoutMs, () => {
      current.abandoned = true;
      if (inFlight === current) inFlight = undefined;
    });
    const current: Fetch = {
      id: fetches,
      generation,
      abandoned: false,
      patience,
      promise: resolveCredentials(strategy, describe).then((credentials) => {
        // A late answer (abandoned after a timeout, or overtaken) is kept only if nothing newer
        // replaced it, nobody disowned it, and it is still valid: the arrival grace is for
        // answers someone is waiting for.
        const entry = entryFor(credentials, current.id, offset);
        if (
          current.generation === generation &&
          // Older than credentials cached since (dropped or not): never fill the cache.
          newestCached < current.id &&
          (current.abandoned ? now() + offset < entry.expiresAt : usable(entry, offset))
        ) {
          cached = entry;
          newestCached = current.id;
        }
        return credentials;
      }),
    };
    const forget = () => {
      clearTimeout(patienceTimer);
      clearTimeout(deadline);
      if (inFlight === current) inFlight = undefined;
    };
    current.promise.then(forget, forget);
    inFlight = current;
    return current;
  }

  /** Waits for `fetch` at most `timeoutMs`; on timeout the fetch is abandoned. */
  function await_(fetch: Fetch, timeoutMs: number): Promise<Credentials> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        fetch.abandoned = true;
        if (inFlight === fetch) inFlight = undefined;
        reject(timeoutError(timeoutMs));
      }, timeoutMs);
    });
    return Promise.race([fetch.promise, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }

  async function fetchFresh(offset: number, timeoutMs: number): Promise<Credentials> {
    for (let attempt = 0; attempt < MAX_FETCHES_PER_CALL; attempt += 1) {
      const fetch = start(offset, timeoutMs);
      const credentials = await await_(fetch, timeoutMs);
      // Disowned by invalidate() while we waited: never hand those out; join the next fetch.
      if (fetch.generation === generation) return credentials;
    }
    throw invalidatedError();
  }

  const provider = async function memoizedProvider(
    request: CredentialsRequest = {},
  ): Promise<Credentials> {
    const offset = request.clockOffsetMs ?? 0;
    const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
    if (timeoutMs !== defaultTimeoutMs) assertTimeoutMs(timeoutMs, 'timeoutMs');
    const entry = cached;
    if (entry !== undefined) {
      if (fresh(entry, offset)) return entry.credentials;
      if (usable(entry, offset)) {
        // Refresh ahead of expiry, waiting for it only a little: while it is slow, hangs or
        // fails, the cached credentials still work, and the next call tries again.
        const refresh = start(offset, timeoutMs);
        let failure: { error: unknown } | undefined;
        try {
          const credentials = await Promise.race([refresh.promise, refresh.patience]);
          if (credentials !== undefined && refresh.generation === generation) return credentials;
        } catch (error) {
          failure = { error };
        }
        if (cached === entry && usable(entry, offset)) return entry.credentials;
        if (failure !== undefined) throw failure.error;
        return fetchFresh(offset, timeoutMs);
      }
      if (cached === entry) cached = undefined;
    }
    return fetchFresh(offset, timeoutMs);
  } as MemoizedCredentialsProvider;

  provider.peek = function peek(request = {}) {
    return cached !== undefined && fresh(cached, request.clockOffsetMs ?? 0)
      ? cached.credentials
      : undefined;
  };
  provider.invalidate = function invalidate(credentials?: Credentials) {
    if (credentials !== undefined) {
      if (cached?.credentials === credentials) cached = undefined;
      return;
    }
    cached = undefined;
    inFlight = undefined;
    generation += 1;
  };
  memoized.add(provider);
  return provider;
}
