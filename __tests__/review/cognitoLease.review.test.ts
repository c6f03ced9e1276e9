import { NotSignedInError } from '../../lib/cognito';
import { ALICE, cognitoWorld, fakeDateOnly, laggedLocalStorage } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

const MINUTE = 60_000;

const globals = globalThis as { window?: unknown; document?: unknown; localStorage?: unknown };
let world: CognitoWorld;
afterEach(async () => {
  jest.useRealTimers();
  delete globals.window;
  delete globals.document;
  delete globals.localStorage;
  await world.close();
});

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

async function twoTabs() {
  const start = Date.now();
  fakeDateOnly(start);
  const [s1, s2] = laggedLocalStorage(5);
  Object.assign(globals, { window: {}, document: {}, localStorage: s1 });
  world = await cognitoWorld({}, { retry: { retries: 0, baseDelayMs: 5 } });
  await world.auth.signIn(ALICE.username, ALICE.password);
  await new Promise((resolve) => setTimeout(resolve, 20));
  globals.localStorage = s2;
  const tab2 = world.newAuth({ retry: { retries: 0, baseDelayMs: 5 } });
  const leaseKey = `CognitoIdentityServiceProvider.${world.cognito.clientId}.alice.refreshLease`;
  return { start, s1, s2, tab2, leaseKey };
}

describe('review: the settled refresh lease in localStorage', () => {
  it('a refresh that fails in the winning tab: the losing tab refreshes at once, not after the lease lapses', async () => {
    const { start, tab2 } = await twoTabs();
    jest.setSystemTime(start + 58 * MINUTE);
    world.cognito.fail({ operation: 'InitiateAuth', error: 'InternalErrorException' });
    const began = performance.now();
    const results = await Promise.all([caught(world.auth.getIdToken()), caught(tab2.getIdToken())]);
    const took = performance.now() - began;
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(2);
    expect(took).toBeLessThan(2000);
  });

  it('sign-out in the winning tab during its settle wait: both tabs fail, no lease left', async () => {
    const { start, s1, s2, tab2, leaseKey } = await twoTabs();
    jest.setSystemTime(start + 58 * MINUTE);
    const p1 = caught(world.auth.getIdToken());
    const p2 = caught(tab2.getIdToken());
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.auth.signOut();
    const [e1, e2] = await Promise.all([p1, p2]);
    expect(e1).toBeInstanceOf(NotSignedInError);
    expect(e2).toBeInstanceOf(NotSignedInError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(0);
    expect([s1.getItem(leaseKey), s2.getItem(leaseKey)]).toEqual([null, null]);
  });

  it('a refresh whose tokens cannot be written (storage full) releases the lease: the other tab is not held up', async () => {
    const { start, s1, s2, tab2, leaseKey } = await twoTabs();
    jest.setSystemTime(start + 58 * MINUTE);
    const setItem = s1.setItem.bind(s1);
    s1.setItem = (key, value) => {
      if (key.endsWith('.idToken')) throw new Error('QuotaExceededError');
      setItem(key, value);
    };
    expect(await caught(world.auth.getIdToken())).toBeInstanceOf(Error);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s2.getItem(leaseKey)).toBeNull();
    const began = performance.now();
    await tab2.getIdToken();
    expect(performance.now() - began).toBeLessThan(1000);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(2);
  });
});
