import { ConfigurationError, memoizeOwn } from '../index';
import type { Credentials, MemoizeOptions, MemoizedCredentialsProvider } from '../index';
import { NotSignedInError } from './errors';

/** The credentials in an Amplify v6 auth session (`AWSCredentials`). */
export interface AmplifyCredentials {
  /** The access key id. */
  accessKeyId: string;
  /** The secret access key. */
  secretAccessKey: string;
  /** The session token. */
  sessionToken?: string | undefined;
  /** When they stop working. */
  expiration?: Date | undefined;
}

/** What Amplify v6's `fetchAuthSession()` resolves to, as far as signing needs it. */
export interface AmplifyAuthSession {
  /** The identity-pool credentials; absent when nobody is signed in and guests are off. */
  credentials?: AmplifyCredentials | undefined;
}

/** Amplify v6's `fetchAuthSession` from `aws-amplify/auth` (or any function of that shape). */
export type AmplifyFetchAuthSession = (options?: {
  forceRefresh?: boolean;
}) => Promise<AmplifyAuthSession>;

/** One message on Amplify's Hub, as far as this strategy reads it. */
export interface AmplifyHubCapsule {
  /** The message: `event` is `signedIn`, `signedOut`, `tokenRefresh`, … on channel `auth`. */
  payload: {
    /** What happened: `signedIn`, `signedOut`, `tokenRefresh`, … */
    event: string;
  };
}

/** Amplify v6's `Hub` from `aws-amplify/utils` (or anything with the same `listen`). */
export interface AmplifyHub {
  /**
   * Listens on a channel; returns the function that stops listening.
   * @param channel - always `'auth'` here.
   * @param callback - called with each message.
   */
  listen(channel: 'auth', callback: (capsule: AmplifyHubCapsule) => void): () => void;
}

/** Options of {@link fromAmplify}. */
export interface FromAmplifyOptions extends MemoizeOptions {
  /** `fetchAuthSession` from `aws-amplify/auth`. */
  fetchAuthSession: AmplifyFetchAuthSession;
  /** `Hub` from `aws-amplify/utils`: how sign-in and sign-out are heard. */
  Hub: AmplifyHub;
}

/** The strategy {@link fromAmplify} returns: memoised, and listening to Amplify's Hub. */
export interface AmplifyCredentialsProvider extends MemoizedCredentialsProvider {
  /** Stops listening to the Hub (the strategy keeps working, but no longer hears sign-out). */
  stopListening(): void;
}

/**
 * A credentials strategy for apps that sign in with Amplify v6 Auth and call their API through
 * apig-signer. It takes Amplify's own functions, so apig-signer never imports `aws-amplify`.
 *
 * What it does:
 * - Hands out the identity-pool credentials of `fetchAuthSession()`, memoised as `memoize`
 *   (from `apig-signer`) does (one call for any number of concurrent requests, refreshed 5
 *   minutes before they expire).
 * - When AWS refuses the credentials it handed out (the signer's recovery calls
 *   `invalidate(credentials)` on an expired-token answer), the next fetch is
 *   `fetchAuthSession({ forceRefresh: true })`: Amplify keeps credentials cached for 50 minutes
 *   whatever AWS says, so a plain call would return the refused key again.
 * - On Amplify's `signedOut` (Hub channel `auth`) it drops its cache and disowns any fetch under
 *   way at once: the next request asks Amplify again, and with nobody signed in fails with
 *   `ERR_NOT_SIGNED_IN` (or gets guest credentials, if the identity pool allows guests).
 * - On `signedIn` it drops its cache too (a guest's or the previous user's credentials are never
 *   used for the new user).
 *
 * What it never does:
 * - force a refresh on any other occasion (Amplify's `tokenRefresh` changes the tokens, not the
 *   credentials already issued, which stay valid until their expiration);
 * - sign out, refresh tokens or store anything itself: Amplify stays the owner of the session.
 *
 * @param options - Amplify's `fetchAuthSession` and `Hub`; memoize options (`refreshWindowMs`,
 * `timeoutMs`, `now`).
 * @returns the memoised strategy, for `attachApigSigner(api, { credentials })` (whose recovery
 * re-sends a refused request once); `stopListening()` ends its Hub subscription.
 * @throws `ConfigurationError` (from `apig-signer`) at once when `fetchAuthSession` is not a function or `Hub`
 * has no `listen`; when called, {@link NotSignedInError} (`ERR_NOT_SIGNED_IN`) when Amplify has
 * no credentials, or a `CredentialsError` wrapping what Amplify threw.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { fetchAuthSession } from 'aws-amplify/auth';
 * import { Hub } from 'aws-amplify/utils';
 * import { attachApigSigner } from 'apig-signer';
 * import { fromAmplify } from 'apig-signer/cognito';
 *
 * const api = axios.create({ baseURL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod' });
 * attachApigSigner(api, { credentials: fromAmplify({ fetchAuthSession, Hub }) });
 * ```
 */
export function fromAmplify(options: FromAmplifyOptions): AmplifyCredentialsProvider {
  const { fetchAuthSession, Hub, ...memoizeOptions } = (options ??
    {}) as Partial<FromAmplifyOptions>;
  if (fetchAuthSession === undefined || typeof fetchAuthSession !== 'function') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      "fromAmplify(): fetchAuthSession must be Amplify's function: import { fetchAuthSession } from 'aws-amplify/auth'.",
    );
  }
  if (Hub === undefined || typeof Hub.listen !== 'function') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      "fromAmplify(): Hub must be Amplify's Hub, so sign-out is heard: import { Hub } from 'aws-amplify/utils'.",
    );
  }

  const fetchSession: AmplifyFetchAuthSession = fetchAuthSession;

  /** The access key last handed out, and whether AWS refused it (then the next fetch forces). */
  let lastKeyId: string | undefined;
  let forceNext = false;

  async function fromSession(): Promise<Credentials> {
    const force = forceNext;
    forceNext = false;
    const session = await (force ? fetchSession({ forceRefresh: true }) : fetchSession());
    const credentials = session.credentials;
    if (credentials === undefined) {
      throw new NotSignedInError(
        'Amplify has no credentials (nobody signed in, no guest access): sign in with Amplify first.',
      );
    }
    lastKeyId = credentials.accessKeyId;
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration,
    };
  }

  const provider = memoizeOwn(fromSession, memoizeOptions) as AmplifyCredentialsProvider;
  const dropCache = provider.invalidate.bind(provider);
  provider.invalidate = function invalidate(credentials?: Credentials) {
    if (credentials !== undefined && credentials.accessKeyId === lastKeyId) forceNext = true;
    dropCache(credentials);
  };
  provider.stopListening = Hub.listen('auth', ({ payload }) => {
    if (payload.event === 'signedOut' || payload.event === 'signedIn') {
      forceNext = false;
      lastKeyId = undefined;
      dropCache();
    }
  });
  return provider;
}
