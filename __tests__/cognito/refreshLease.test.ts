import { createMemoryStorage } from '../../lib/cognito';
import { createRefreshLease } from '../../lib/cognito/refreshLease';
import { createSessionStore } from '../../lib/cognito/sessionStore';

const LEASE_MS = 30_000;

function setUp() {
  const storage = createMemoryStorage();
  const store = createSessionStore({
    storage,
    userPoolId: 'us-east-1_Pool',
    clientId: 'client',
    identityPoolId: 'us-east-1:id',
  });
  let clock = 1_000_000;
  const lease = createRefreshLease({
    store,
    instanceId: 'me',
    leaseMs: LEASE_MS,
    settleMs: 0,
    now: () => clock,
  });
  return {
    store,
    lease,
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

describe('createRefreshLease', () => {
  it("another instance's lease holds until it lapses, then this one takes it", () => {
    const { store, lease, advance, now } = setUp();
    store.takeLease('alice', 'other tab', now() + LEASE_MS);
    expect(lease.claim('alice')).toBe(false);
    advance(LEASE_MS - 1);
    expect(lease.claim('alice')).toBe(false);
    advance(1);
    expect(lease.claim('alice')).toBe(true);
    expect(store.lease('alice')).toEqual({ owner: 'me', until: now() + LEASE_MS });
  });

  it('a lease dated further ahead than a lease lasts (a clock jump, a crashed tab) holds one lease time at most', () => {
    const { store, lease, advance, now } = setUp();
    store.takeLease('alice', 'crashed tab', now() + 7 * 24 * 3600_000);
    expect(lease.claim('alice')).toBe(false); // it may be honest: wait, but only so long
    advance(LEASE_MS - 1);
    expect(lease.claim('alice')).toBe(false);
    advance(1);
    expect(lease.claim('alice')).toBe(true);
  });

  it('release gives back only a lease this instance holds', () => {
    const { store, lease, now } = setUp();
    store.takeLease('alice', 'other tab', now() + 1000);
    lease.release('alice');
    expect(store.lease('alice')?.owner).toBe('other tab');
    store.releaseLease('alice', 'other tab');
    expect(lease.claim('alice')).toBe(true);
    lease.release('alice');
    expect(store.lease('alice')).toBeUndefined();
  });
});
