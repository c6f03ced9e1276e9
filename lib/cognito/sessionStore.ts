import { claimsOf, numberClaim } from './jwt';
import type { IssuedTokens } from './signInSteps';
import type { CognitoStorage } from './storage';

/** The three tokens of a signed-in user, and how far this device's clock is from Cognito's. */
export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /**
   * Device clock minus Cognito's, in milliseconds, measured when the tokens were issued (as
   * amazon-cognito-identity-js does): expiry checks use Cognito's time, so a device whose clock
   * is off neither refreshes on every call nor keeps expired tokens.
   */
  readonly clockDriftMs: number;
}

/** A user as storage holds them. */
export interface StoredUser {
  readonly username: string;
  readonly tokens: Tokens;
}

/** Where tokens and identity ids live; see {@link createSessionStore}. */
export interface SessionStore {
  /** The signed-in user and their tokens, or `undefined` (nobody, or a partial write). */
  readUser(): StoredUser | undefined;
  /** Makes `username` the signed-in user with these tokens. */
  writeUser(username: string, tokens: Tokens): void;
  /** Removes the tokens and identity id of `username`, and of every user this instance wrote. */
  clearUsers(username: string | undefined): void;
  identityId(username: string | undefined): string | undefined;
  setIdentityId(username: string | undefined, identityId: string): void;
  /** Removes the stored identity id of `username` if it is still `identityId`. */
  dropIdentityId(username: string | undefined, identityId: string): void;
  /** Who holds the refresh lease of `username`, and until when (ms since the epoch). */
  lease(username: string): { owner: string; until: number } | undefined;
  takeLease(username: string, owner: string, until: number): void;
  releaseLease(username: string, owner: string): void;
}

const GUEST = 'ANONYMOUS';
const TOKEN_ITEMS = ['idToken', 'accessToken', 'refreshToken', 'clockDrift', 'refreshLease'];

/**
 * Storage laid out as amazon-cognito-identity-js and the AWS SDK lay it out (so sessions they
 * stored restore, and the other way round), and written only by us:
 *
 * - `CognitoIdentityServiceProvider.{clientId}.LastAuthUser`: who is signed in;
 * - `CognitoIdentityServiceProvider.{clientId}.{username}.{idToken|accessToken|refreshToken|clockDrift}`;
 * - `aws:cognito-identity-credentials:{identityPoolId}:{username or ANONYMOUS}`: identity ids;
 * - `CognitoIdentityServiceProvider.{clientId}.{username}.refreshLease`: which instance (tab) is
 *   refreshing, and until when.
 */
export function createSessionStore(
  storage: CognitoStorage,
  clientId: string,
  identityPoolId: string,
): SessionStore {
  /** Every user whose tokens this instance wrote: sign-out removes them all. */
  const written = new Set<string>();
  const lastUserKey = `CognitoIdentityServiceProvider.${clientId}.LastAuthUser`;
  const tokenKey = (username: string, name: string) =>
    `CognitoIdentityServiceProvider.${clientId}.${username}.${name}`;
  const identityKey = (username: string | undefined) =>
    `aws:cognito-identity-credentials:${identityPoolId}:${username ?? GUEST}`;

  const store: SessionStore = {
    readUser() {
      const username = storage.getItem(lastUserKey);
      if (!username) return undefined;
      const idToken = storage.getItem(tokenKey(username, 'idToken'));
      const accessToken = storage.getItem(tokenKey(username, 'accessToken'));
      const refreshToken = storage.getItem(tokenKey(username, 'refreshToken'));
      if (!idToken || !accessToken || !refreshToken) return undefined;
      const drift = Number(storage.getItem(tokenKey(username, 'clockDrift')) ?? 0);
      return {
        username,
        tokens: {
          idToken,
          accessToken,
          refreshToken,
          clockDriftMs: Number.isFinite(drift) ? drift * 1000 : 0,
        },
      };
    },

    writeUser(username, tokens) {
      written.add(username);
      storage.setItem(tokenKey(username, 'idToken'), tokens.idToken);
      storage.setItem(tokenKey(username, 'accessToken'), tokens.accessToken);
      storage.setItem(tokenKey(username, 'refreshToken'), tokens.refreshToken);
      // In seconds, as amazon-cognito-identity-js stores it.
      storage.setItem(
        tokenKey(username, 'clockDrift'),
        String(Math.round(tokens.clockDriftMs / 1000)),
      );
      storage.setItem(lastUserKey, username);
    },

    clearUsers(username) {
      const users = new Set(written);
      if (username !== undefined) users.add(username);
      for (const user of users) {
        for (const name of TOKEN_ITEMS) storage.removeItem(tokenKey(user, name));
        storage.removeItem(identityKey(user));
      }
      const last = storage.getItem(lastUserKey);
      if (last !== null && users.has(last)) storage.removeItem(lastUserKey);
      written.clear();
    },

    identityId: (username) => storage.getItem(identityKey(username)) ?? undefined,

    setIdentityId(username, identityId) {
      storage.setItem(identityKey(username), identityId);
    },

    dropIdentityId(username, identityId) {
      if (store.identityId(username) === identityId) storage.removeItem(identityKey(username));
    },

    lease(username) {
      const value = storage.getItem(tokenKey(username, 'refreshLease'));
      const [owner, until] = value?.split(' ') ?? [];
      return owner === undefined || until === undefined
        ? undefined
        : { owner, until: Number(until) };
    },

    takeLease(username, owner, until) {
      storage.setItem(tokenKey(username, 'refreshLease'), `${owner} ${until}`);
    },

    releaseLease(username, owner) {
      if (store.lease(username)?.owner === owner)
        storage.removeItem(tokenKey(username, 'refreshLease'));
    },
  };
  return store;
}

/** Tokens just issued by Cognito: their `iat` is Cognito's "now", which gives the clock drift. */
export function issuedTokens(issued: IssuedTokens, now: number = Date.now()): Tokens {
  const issuedAt = Math.min(
    numberClaim(claimsOf(issued.idToken), 'iat'),
    numberClaim(claimsOf(issued.accessToken), 'iat'),
  );
  const drift = now - issuedAt * 1000;
  return { ...issued, clockDriftMs: issuedAt > 0 && Number.isFinite(drift) ? drift : 0 };
}

/**
 * Whether the ID token is still good to use: earlier than `marginMs` before its expiry (never
 * more than half its lifetime, so short-lived tokens are not refreshed on every call), by
 * Cognito's clock.
 */
export function idTokenFresh(tokens: Tokens, marginMs: number, now: number = Date.now()): boolean {
  const claims = claimsOf(tokens.idToken);
  const expiresAt = numberClaim(claims, 'exp') * 1000;
  const lifetime = Math.max(expiresAt - numberClaim(claims, 'iat') * 1000, 0);
  return now - tokens.clockDriftMs < expiresAt - Math.min(marginMs, lifetime / 2);
}

/** Whether the access token has expired by Cognito's clock (GlobalSignOut needs a live one). */
export function accessTokenExpired(tokens: Tokens, now: number = Date.now()): boolean {
  const expiresAt = numberClaim(claimsOf(tokens.accessToken), 'exp');
  return expiresAt * 1000 <= now - tokens.clockDriftMs;
}
