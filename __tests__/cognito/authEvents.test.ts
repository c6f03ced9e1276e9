import { ConfigurationError } from '../../lib';
import { createMemoryStorage, SessionExpiredError } from '../../lib/cognito';
import type { AuthEvent } from '../../lib/cognito';
import { ALICE, cognitoWorld, fakeDateOnly, until } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

const MINUTE = 60_000;
let world: CognitoWorld;
afterEach(async () => {
  jest.useRealTimers();
  await world.close();
});

const BOB = { username: 'bob', password: 'another password' } as const;
const recorder = () => {
  const events: Array<Omit<AuthEvent, 'fromOtherTab'> & { fromOtherTab?: boolean }> = [];
  return { events, listener: (event: AuthEvent) => events.push(event) };
};

describe('subscribe', () => {
  it('tells sign-in, token refresh and sign-out, each once; unsubscribe stops it', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ tokenLifetimeSeconds: 600 });
    const { events, listener } = recorder();
    const unsubscribe = world.auth.subscribe(listener);
    await world.auth.signIn(ALICE.username, ALICE.password);
    jest.setSystemTime(start + 6 * MINUTE);
    await world.auth.getIdToken();
    world.auth.signOut();
    unsubscribe();
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect(events).toEqual([
      { type: 'signedIn', username: 'alice', fromOtherTab: false },
      { type: 'tokenRefreshed', username: 'alice', fromOtherTab: false },
      { type: 'signedOut', username: 'alice', fromOtherTab: false },
    ]);
  });

  it('tells session expiry when the refresh token no longer works', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ tokenLifetimeSeconds: 600 });
    await world.auth.signIn(ALICE.username, ALICE.password);
    const { events, listener } = recorder();
    world.auth.subscribe(listener);
    world.cognito.revokeRefreshTokens('alice');
    jest.setSystemTime(start + 6 * MINUTE);
    await expect(world.auth.getIdToken()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(events).toEqual([{ type: 'sessionExpired', username: 'alice', fromOtherTab: false }]);
  });

  it("tells another tab's sign-in, refresh and sign-out (shared storage), marked fromOtherTab", async () => {
    const start = Date.now();
    fakeDateOnly(start);
    const storage = createMemoryStorage();
    world = await cognitoWorld(
      { tokenLifetimeSeconds: 600, users: [{ ...ALICE }, { ...BOB }] },
      { storage },
    );
    const otherTab = world.newAuth();
    const { events, listener } = recorder();
    world.auth.subscribe(listener);
    await otherTab.signIn(ALICE.username, ALICE.password);
    await until(() => events.length === 1);
    jest.setSystemTime(start + 6 * MINUTE);
    await otherTab.getIdToken();
    await until(() => events.length === 2);
    await otherTab.signIn(BOB.username, BOB.password);
    await until(() => events.length === 4);
    otherTab.signOut();
    await until(() => events.length === 5);
    expect(events).toEqual([
      { type: 'signedIn', username: 'alice', fromOtherTab: true },
      { type: 'tokenRefreshed', username: 'alice', fromOtherTab: true },
      { type: 'signedOut', username: 'alice', fromOtherTab: true },
      { type: 'signedIn', username: 'bob', fromOtherTab: true },
      { type: 'signedOut', username: 'bob', fromOtherTab: true },
    ]);
  });

  it('a listener that throws neither stops the others nor the sign-in', async () => {
    world = await cognitoWorld();
    const { events, listener } = recorder();
    world.auth.subscribe(() => {
      throw new Error('listener fault');
    });
    world.auth.subscribe(listener);
    expect(await world.auth.signIn(ALICE.username, ALICE.password)).toEqual({ username: 'alice' });
    expect(events).toHaveLength(1);
    expect(() => world.auth.subscribe('no' as unknown as () => void)).toThrow(ConfigurationError);
  });
});

describe('signOut: the refresh token is revoked', () => {
  it('signOut() sends RevokeToken in the background: the old refresh token no longer works', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    world.auth.signOut();
    expect(world.auth.username).toBeUndefined(); // signed out here at once
    await until(() => world.cognito.count('RevokeToken') === 1);
    expect(world.cognito.calls.at(-1)).toMatchObject({ operation: 'RevokeToken', status: 200 });
  });

  it('a RevokeToken Cognito refuses or never answers changes nothing here and is not retried forever', async () => {
    world = await cognitoWorld({}, { timeoutMs: 50, retry: { retries: 1, baseDelayMs: 1 } });
    await world.auth.signIn(ALICE.username, ALICE.password);
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      world.cognito.fail({ operation: 'RevokeToken', delayMs: Infinity });
      world.auth.signOut();
      expect(world.auth.username).toBeUndefined();
      await until(() => world.cognito.count('RevokeToken') === 2); // the first try, one retry
      await world.auth.signIn(ALICE.username, ALICE.password); // the next sign-in is unaffected
      expect(world.auth.username).toBe('alice');
      expect(world.cognito.count('RevokeToken')).toBe(2); // and no third
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('signOut({ global: true }) sends GlobalSignOut, not RevokeToken', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    await world.auth.signOut({ global: true });
    expect(world.cognito.count('GlobalSignOut')).toBe(1);
    expect(world.cognito.count('RevokeToken')).toBe(0);
  });
});
