import type { StoredUser, Tokens } from './sessionStore';

/**
 * One generation of the session: a signed-in user (or nobody / a guest) from sign-in (or
 * restore) to sign-out. Tokens, the identity id, refreshes and credential fetches belong to the
 * session that started them; whatever finishes after its session ended is dropped.
 */
export interface Session {
  readonly username: string | undefined;
  tokens: Tokens | undefined;
  identityId: string | undefined;
  /** A guest identity id this user may take over, noted when the guest signed in. */
  guestIdentityId: string | undefined;
  /** The refresh under way, shared by every caller of this session. */
  refreshing: Promise<string> | undefined;
  ended: boolean;
  /** Rejects when the session ends, so that work waiting on it stops at once. */
  readonly stopped: Promise<never>;
  readonly stop: (reason: Error) => void;
}

/** A new session generation for `stored` (nobody or a guest when `undefined`). */
export function openSession(stored: StoredUser | undefined, guestIdentityId?: string): Session {
  let stop: (reason: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => undefined); // observed by whoever races it; never an unhandled rejection
  return {
    username: stored?.username,
    tokens: stored?.tokens,
    identityId: undefined,
    guestIdentityId,
    refreshing: undefined,
    ended: false,
    stopped,
    stop,
  };
}

/** Whether two sets of tokens are the same tokens. */
export const sameTokens = (a: Tokens, b: Tokens) =>
  a.idToken === b.idToken && a.accessToken === b.accessToken && a.refreshToken === b.refreshToken;
