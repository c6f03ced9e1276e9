import type { SessionStore } from './sessionStore';

/** How often a tab waiting for another tab's refresh looks at storage. */
export const LEASE_POLL_MS = 25;
/**
 * How long a tab waits after taking the lease in `localStorage` before it looks whose lease it
 * is. Each tab reads its own copy of `localStorage`, which another tab's write reaches within
 * milliseconds (Chromium: about 1 ms), so two tabs that take the lease in the same instant both
 * see it free; the later write wins everywhere, and after this wait both tabs see the winner.
 */
export const LEASE_SETTLE_MS = 100;

/** One instance's side of the refresh lease that tabs sharing a storage take turns with. */
export interface RefreshLease {
  /**
   * Takes the lease of `username` unless another instance holds it; check and take happen in
   * one synchronous step, so concurrent callers in this tab and tabs that see each other's
   * storage at once refresh once.
   */
  claim(username: string): boolean;
  /**
   * Whether the lease just taken is still ours once every tab's write has arrived (at once
   * where storage is not shared through copies: see {@link LEASE_SETTLE_MS}).
   */
  settled(username: string): Promise<boolean>;
  /** Gives the lease back, if this instance holds it. */
  release(username: string): void;
}

export interface RefreshLeaseOptions {
  store: SessionStore;
  instanceId: string;
  /** How long a lease lasts: the longest a refresh may take, retries included. */
  leaseMs: number;
  /** {@link LEASE_SETTLE_MS} for the page's `localStorage`, else 0. */
  settleMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * The refresh lease. A lease counts while it is in the future, and never for more than
 * `leaseMs` from now: a lease dated further ahead (a tab that crashed before a clock jump, a
 * clock set back) was not taken by an honest clock, and waits no longer than a real one.
 */
export function createRefreshLease(options: RefreshLeaseOptions): RefreshLease {
  const { store, instanceId, leaseMs, settleMs } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  /** When a lease dated too far ahead was first seen: it lapses `leaseMs` after that. */
  const farLeases = new Map<string, number>();

  function heldByAnother(username: string): boolean {
    const lease = store.lease(username);
    const at = now();
    if (lease === undefined || lease.owner === instanceId || !(lease.until > at)) return false;
    if (lease.until - at <= leaseMs) return true;
    const key = `${lease.owner} ${lease.until}`;
    const seen = farLeases.get(key) ?? at;
    farLeases.set(key, seen);
    return at - seen < leaseMs;
  }

  return {
    claim(username) {
      if (heldByAnother(username)) return false;
      store.takeLease(username, instanceId, now() + leaseMs);
      return true;
    },
    async settled(username) {
      if (settleMs <= 0) return true;
      await sleep(settleMs);
      return store.lease(username)?.owner === instanceId;
    },
    release(username) {
      store.releaseLease(username, instanceId);
    },
  };
}
