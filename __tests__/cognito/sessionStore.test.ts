import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';

import { ConfigurationError } from '../../lib';
import { StorageError, createMemoryStorage } from '../../lib/cognito';
import type { AsyncCognitoStorage, CognitoStorage } from '../../lib/cognito';
import { ALICE, cognitoWorld, fakeDateOnly, inspectableStorage } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

const MINUTE = 60_000;

let world: CognitoWorld | undefined;
afterEach(async () => {
  jest.useRealTimers();
  await world?.close();
  world = undefined;
});

const prefix = (w: CognitoWorld) => `CognitoIdentityServiceProvider.${w.cognito.clientId}`;

/** Signs Alice in with amazon-cognito-identity-js itself, writing its own layout to `storage`. */
function signInWithThePackage(w: CognitoWorld, storage: CognitoStorage): Promise<void> {
  const pool = new CognitoUserPool({
    UserPoolId: w.cognito.userPoolId,
    ClientId: w.cognito.clientId,
    endpoint: w.cognito.url,
    Storage: storage,
  });
  return new Promise((resolve, reject) => {
    new CognitoUser({ Username: ALICE.username, Pool: pool, Storage: storage }).authenticateUser(
      new AuthenticationDetails({ Username: ALICE.username, Password: ALICE.password }),
      { onSuccess: () => resolve(), onFailure: reject },
    );
  });
}

/** React Native's AsyncStorage, as far as its shape goes: promises, a task later. */
function asyncStorage(inner: CognitoStorage = createMemoryStorage()): AsyncCognitoStorage & {
  inner: CognitoStorage;
} {
  const later = <T>(work: () => T) =>
    new Promise<T>((resolve) => {
      setImmediate(() => resolve(work()));
    });
  return {
    inner,
    getItem: (key) => later(() => inner.getItem(key)),
    setItem: (key, value) => later(() => inner.setItem(key, value)),
    removeItem: (key) => later(() => inner.removeItem(key)),
  };
}

describe('session store: the layout of amazon-cognito-identity-js', () => {
  it('a user signed in by amazon-cognito-identity-js stays signed in after the upgrade', async () => {
    world = await cognitoWorld();
    const storage = createMemoryStorage();
    await signInWithThePackage(world, storage);
    expect(storage.getItem(`${prefix(world)}.LastAuthUser`)).toBe('alice');
    const auth = world.newAuth({ storage });
    expect(auth.username).toBe('alice');
    const token = await auth.getIdToken();
    expect(token).toBe(storage.getItem(`${prefix(world)}.alice.idToken`));
    await auth.credentials();
    expect(world.cognito.count('InitiateAuth')).toBe(1); // the package's sign-in, none of ours
  });

  it('tokens of another user pool or app client found in storage are dropped at once', async () => {
    world = await cognitoWorld();
    const storage = inspectableStorage();
    await world.newAuth({ storage }).signIn(ALICE.username, ALICE.password);
    const other = world.newAuth({ storage, userPoolId: 'us-east-1_SomeOtherPool' });
    expect(other.username).toBeUndefined();
    expect(storage.keys().filter((key) => key.startsWith(prefix(world!)))).toEqual([]);
  });

  it('a wrong `userPoolId` with USER_PASSWORD_AUTH is a ConfigurationError, not a wrong password', async () => {
    world = await cognitoWorld(
      {},
      { authFlow: 'USER_PASSWORD_AUTH', userPoolId: 'us-east-1_NotThePool' },
    );
    const error: unknown = await world.auth
      .signIn(ALICE.username, ALICE.password)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ message: expect.stringContaining('`userPoolId`') });
    expect(world.auth.username).toBeUndefined();
  });
});

describe('session store: asynchronous storage (AsyncStorage)', () => {
  it('signs in, keeps the session across a restart, and signs out', async () => {
    world = await cognitoWorld();
    const storage = asyncStorage();
    const auth = world.newAuth({ storage });
    await auth.signIn(ALICE.username, ALICE.password);
    await world.api.get('/notes').catch(() => undefined); // the world's own auth: irrelevant
    await auth.credentials();
    const restarted = world.newAuth({ storage });
    expect(restarted.username).toBeUndefined(); // not read yet
    await restarted.getIdToken();
    expect(restarted.username).toBe('alice');
    restarted.signOut();
    // The removals are asynchronous: wait for them (bounded), however busy the machine is.
    const keys = prefix(world);
    const gone = () =>
      storage.inner.getItem(`${keys}.alice.idToken`) === null &&
      storage.inner.getItem(`${keys}.LastAuthUser`) === null;
    for (let i = 0; i < 200 && !gone(); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(storage.inner.getItem(`${prefix(world)}.alice.idToken`)).toBeNull();
    expect(storage.inner.getItem(`${prefix(world)}.LastAuthUser`)).toBeNull();
  });

  it('a write that fails: StorageError, nothing half-written, nobody signed in', async () => {
    world = await cognitoWorld();
    const inner = inspectableStorage();
    const storage = asyncStorage(inner);
    storage.setItem = (key, value) =>
      key.endsWith('.refreshToken')
        ? Promise.reject(new DOMException('full', 'QuotaExceededError'))
        : Promise.resolve(inner.setItem(key, value));
    const auth = world.newAuth({ storage });
    const error: unknown = await auth
      .signIn(ALICE.username, ALICE.password)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({
      code: 'ERR_STORAGE',
      message: expect.stringContaining('QuotaExceededError'),
    });
    expect((error as Error).message).not.toMatch(/Cognito refused/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inner.keys()).toEqual([]);
    expect(auth.username).toBeUndefined();
  });
});

describe('session store: failed writes to a synchronous storage', () => {
  it('QuotaExceededError during sign-in: StorageError, and no token at rest that no sign-out removes', async () => {
    world = await cognitoWorld();
    const storage = inspectableStorage();
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (key, value) => {
      if (key.endsWith('.clockDrift')) throw new DOMException('full', 'QuotaExceededError');
      setItem(key, value);
    };
    const auth = world.newAuth({ storage });
    await expect(auth.signIn(ALICE.username, ALICE.password)).rejects.toBeInstanceOf(StorageError);
    expect(storage.keys()).toEqual([]);
    expect(auth.username).toBeUndefined();
  });
});

describe('session store: what Amplify v6 and the AWS SDK v2 left behind', () => {
  it("Amplify v6's clockDrift (ms, opposite sign): a device 2 s slow still refreshes on time", async () => {
    // Cognito 2 s ahead of the device: Amplify stores iat·1000 − device now = +2000.
    world = await cognitoWorld({ clockOffsetMs: 2000 });
    const start = Date.now();
    fakeDateOnly(start);
    const storage = createMemoryStorage();
    await world.newAuth({ storage }).signIn(ALICE.username, ALICE.password);
    const key = `${prefix(world)}.alice`;
    storage.setItem(`${key}.clockDrift`, '2000');
    storage.setItem(
      `${key}.signInDetails`,
      JSON.stringify({ loginId: 'alice', authFlowType: 'USER_SRP_AUTH' }),
    );
    const auth = world.newAuth({ storage });
    // 56 minutes by the device is 56 min 2 s by Cognito: inside the 5-minute margin of a
    // 60-minute token only if the drift is read as 2 s, not 2000 s (33 minutes).
    jest.setSystemTime(start + 55 * MINUTE + 59_000);
    await auth.getIdToken();
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
    // From then on the layout is amazon-cognito-identity-js's: seconds, device minus Cognito.
    expect(storage.getItem(`${key}.signInDetails`)).toBeNull();
    // (iat has whole seconds: the measured drift is between −2 and −1 s.)
    expect([-2, -1]).toContain(Number(storage.getItem(`${key}.clockDrift`)));
  });

  it.each([
    ['the AWS SDK v2 (the guide)', (pool: string) => `aws.cognito.identity-id.${pool}`],
    ['Amplify v6', (pool: string) => `com.amplify.Cognito.${pool}.identityId`],
  ])('a guest identity id stored by %s is reused, not replaced', async (_, keyOf) => {
    world = await cognitoWorld({ allowUnauthenticated: true }, { allowGuest: true });
    const storage = createMemoryStorage();
    const guest = world.newAuth({ storage });
    await guest.credentials();
    const identityId = storage.getItem(
      `aws:cognito-identity-credentials:${world.cognito.identityPoolId}:ANONYMOUS`,
    );
    expect(identityId).toMatch(/^us-east-1:/);
    // What the older code left: only its own key.
    const old = createMemoryStorage();
    old.setItem(keyOf(world.cognito.identityPoolId), identityId!);
    await world.newAuth({ storage: old }).credentials();
    expect(world.cognito.count('GetId')).toBe(1);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(2);
  });
});
