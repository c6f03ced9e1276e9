import { CognitoAccessToken, CognitoIdToken } from 'amazon-cognito-identity-js';

import type { CognitoStorage } from './storage';

/** The three tokens of a signed-in user. */
export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** A user as storage holds them. */
export interface StoredUser {
  readonly username: string;
  readonly tokens: Tokens;
}

const GUEST = 'ANONYMOUS';

/**
 * Storage laid out as amazon-cognito-identity-js and the AWS SDK lay it out (so sessions they
 * stored restore, and the other way round), and written only by us:
 *
 * - `CognitoIdentityServiceProvider.{clientId}.LastAuthUser`: who is signed in;
 * - `CognitoIdentityServiceProvider.{clientId}.{username}.{idToken|accessToken|refreshToken}`;
 * - `aws:cognito-identity-credentials:{identityPoolId}:{username or ANONYMOUS}`: identity ids;
 * - `CognitoIdentityServiceProvider.{clientId}.{username}.refreshLease`: which instance (tab) is
 *   refreshing, and until when.
 */
export class SessionStore {
  /** Every user whose tokens this instance wrote: sign-out removes them all. */
  private readonly written = new Set<string>();

  constructor(
    private readonly storage: CognitoStorage,
    private readonly clientId: string,
    private readonly identityPoolId: string,
  ) {}

  private get lastUserKey(): string {
    return `CognitoIdentityServiceProvider.${this.clientId}.LastAuthUser`;
  }

  private tokenKey(username: string, name: string): string {
    return `CognitoIdentityServiceProvider.${this.clientId}.${username}.${name}`;
  }

  private identityKey(username: string | undefined): string {
    return `aws:cognito-identity-credentials:${this.identityPoolId}:${username ?? GUEST}`;
  }

  /** The signed-in user and their tokens, or `undefined` (nobody, or a partial write). */
  readUser(): StoredUser | undefined {
    const username = this.storage.getItem(this.lastUserKey);
    if (!username) return undefined;
    const idToken = this.storage.getItem(this.tokenKey(username, 'idToken'));
    const accessToken = this.storage.getItem(this.tokenKey(username, 'accessToken'));
    const refreshToken = this.storage.getItem(this.tokenKey(username, 'refreshToken'));
    if (!idToken || !accessToken || !refreshToken) return undefined;
    return { username, tokens: { idToken, accessToken, refreshToken } };
  }

  /** Makes `username` the signed-in user with these tokens. */
  writeUser(username: string, tokens: Tokens): void {
    this.written.add(username);
    this.storage.setItem(this.tokenKey(username, 'idToken'), tokens.idToken);
    this.storage.setItem(this.tokenKey(username, 'accessToken'), tokens.accessToken);
    this.storage.setItem(this.tokenKey(username, 'refreshToken'), tokens.refreshToken);
    this.storage.setItem(this.tokenKey(username, 'clockDrift'), '0');
    this.storage.setItem(this.lastUserKey, username);
  }

  /** Removes the tokens and identity id of `username`, and of every user this instance wrote. */
  clearUsers(username: string | undefined): void {
    const users = new Set(this.written);
    if (username !== undefined) users.add(username);
    for (const user of users) {
      for (const name of ['idToken', 'accessToken', 'refreshToken', 'clockDrift', 'refreshLease']) {
        this.storage.removeItem(this.tokenKey(user, name));
      }
      this.storage.removeItem(this.identityKey(user));
    }
    const last = this.storage.getItem(this.lastUserKey);
    if (last !== null && users.has(last)) this.storage.removeItem(this.lastUserKey);
    this.written.clear();
  }

  identityId(username: string | undefined): string | undefined {
    return this.storage.getItem(this.identityKey(username)) ?? undefined;
  }

  setIdentityId(username: string | undefined, identityId: string): void {
    this.storage.setItem(this.identityKey(username), identityId);
  }

  dropIdentityId(username: string | undefined, identityId: string): void {
    if (this.identityId(username) === identityId)
      this.storage.removeItem(this.identityKey(username));
  }

  /** Who holds the refresh lease of `username`, and until when (ms since the epoch). */
  lease(username: string): { owner: string; until: number } | undefined {
    const value = this.storage.getItem(this.tokenKey(username, 'refreshLease'));
    const [owner, until] = value?.split(' ') ?? [];
    return owner === undefined || until === undefined ? undefined : { owner, until: Number(until) };
  }

  takeLease(username: string, owner: string, until: number): void {
    this.storage.setItem(this.tokenKey(username, 'refreshLease'), `${owner} ${until}`);
  }

  releaseLease(username: string, owner: string): void {
    if (this.lease(username)?.owner === owner) {
      this.storage.removeItem(this.tokenKey(username, 'refreshLease'));
    }
  }
}

/** When an ID token should be refreshed: `margin` before expiry, at most half its lifetime. */
export function refreshDueAt(idToken: string, marginMs: number): number {
  const token = new CognitoIdToken({ IdToken: idToken });
  const expiresAt = token.getExpiration() * 1000;
  const lifetime = expiresAt - token.getIssuedAt() * 1000;
  return expiresAt - Math.min(marginMs, Math.max(lifetime, 0) / 2);
}

/** Whether an access token has expired (GlobalSignOut needs a live one). */
export function accessTokenExpired(accessToken: string, now: number): boolean {
  return new CognitoAccessToken({ AccessToken: accessToken }).getExpiration() * 1000 <= now;
}
