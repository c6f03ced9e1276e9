import axios from 'axios';

import { apigSigner, ConfigurationError } from '../../lib';
import {
  AuthError,
  CognitoServiceError,
  NotSignedInError,
  SessionExpiredError,
  createMemoryStorage,
} from '../../lib/cognito';
import type { CognitoAuth, CognitoStorage } from '../../lib/cognito';
import {
  ALICE,
  cognitoWorld,
  fakeDateOnly,
  inspectableStorage,
  laggedLocalStorage,
  until,
} from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

const MINUTE = 60_000;
const BOB = { username: 'bob', password: 'bob battery staple' } as const;

let world: CognitoWorld;
afterEach(async () => {
  jest.useRealTimers();
  await world.close();
});

/** An axios instance signing with `auth`, pointed at the world's gateway. */
function apiFor(auth: CognitoAuth) {
  const api = axios.create({ baseURL: `${world.gateway.url}/prod` });
  api.interceptors.request.use(
    apigSigner({ credentials: auth.credentials, region: 'us-east-1', hosts: ['127.0.0.1'] }),
  );
  return api;
}

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );
const tokenKeys = (storage: { keys(): string[] }) =>
  storage.keys().filter((key) => key.startsWith('CognitoIdentityServiceProvider.'));
const identityKey = (who: string) =>
  `aws:cognito-identity-credentials:${world.cognito.identityPoolId}:${who}`;

describe('createCognitoAuth: a session generation per sign-in (issue 13.1)', () => {
  it("a user switch during Alice's GetId: her request fails, nothing of hers reaches Bob or storage", async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld({ users: [{ ...ALICE }, { ...BOB }] }, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    world.cognito.fail({ operation: 'GetId', delayMs: 400 });
    const alices = caught(world.api.get('/notes'));
    await until(() => world.cognito.count('InitiateAuth') === 1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // her GetId is held by the emulator

    world.auth.signOut();
    const error = await alices;
    expect(error).toBeInstanceOf(NotSignedInError);
    expect(error).toMatchObject({ code: 'ERR_NOT_SIGNED_IN' });
    expect(world.cognito.count('GetId')).toBe(0); // failed at sign-out, not when GetId answered

    await world.auth.signIn(BOB.username, BOB.password);
    const bobs = await world.api.get('/notes');
    expect(bobs.status).toBe(200);
    await until(() => world.cognito.count('GetId') === 2); // Alice's late GetId has answered
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(1); // Bob's: hers stopped
    expect(storage.getItem(identityKey('alice'))).toBeNull();
    expect(storage.getItem(identityKey('bob'))).toBe(world.cognito.identityIdOf('bob'));
    expect(world.gateway.requests).toHaveLength(1);

    await world.auth.signIn(ALICE.username, ALICE.password);
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(storage.getItem(identityKey('alice'))).toBe(world.cognito.identityIdOf('alice'));
    expect(world.cognito.identityIdOf('alice')).not.toBe(world.cognito.identityIdOf('bob'));
  });

  it('requests waiting for credentials when signOut() runs fail at once with ERR_NOT_SIGNED_IN', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    world.cognito.fail({ operation: 'GetCredentialsForIdentity', delayMs: Infinity });
    const waiting = Array.from({ length: 5 }, () => caught(world.api.get('/notes')));
    await until(() => world.cognito.count('GetCredentialsForIdentity') === 1); // it has arrived
    world.auth.signOut();
    const errors = await Promise.all(waiting); // while Cognito still holds the call
    for (const error of errors) expect(error).toMatchObject({ code: 'ERR_NOT_SIGNED_IN' });
    expect(world.gateway.requests).toHaveLength(0);
  });

  it('an old challenge cannot be answered once another user signed in', async () => {
    world = await cognitoWorld({
      users: [
        { ...ALICE },
        { username: 'carol', password: 'temporary1', newPasswordRequired: true },
      ],
    });
    const carol = await world.auth.signIn('carol', 'temporary1');
    await world.auth.signIn(ALICE.username, ALICE.password);
    if (carol.challenge?.name !== 'NEW_PASSWORD_REQUIRED') throw new Error('unreachable');
    const error = await caught(carol.challenge.answer('a new long password'));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'ERR_SIGN_IN_SUPERSEDED' });
    expect(world.cognito.count('RespondToAuthChallenge', 'NEW_PASSWORD_REQUIRED')).toBe(0);
    expect(world.auth.username).toBe('alice');
  });

  it("a refresh of an ended session that finishes late does not end the next user's shared refresh", async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ users: [{ ...ALICE }, { ...BOB }] });
    await world.auth.signIn(ALICE.username, ALICE.password);
    jest.setSystemTime(start + 58 * MINUTE);
    // Alice's refresh is held long enough for Bob to sign in and start his own, which is
    // held longer still, so hers finishes while his is under way.
    world.cognito.fail({ operation: 'InitiateAuth', delayMs: 600 });
    const alices = caught(world.auth.getIdToken());
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.auth.signOut();
    await world.auth.signIn(BOB.username, BOB.password);
    jest.setSystemTime(start + 116 * MINUTE);
    world.cognito.fail({ operation: 'InitiateAuth', delayMs: 1200 });
    const first = world.auth.getIdToken();
    await until(() => world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH') === 1, 10_000);
    const second = world.auth.getIdToken(); // after Alice's refresh has finished
    expect(await first).toBe(await second);
    expect(await alices).toBeInstanceOf(NotSignedInError);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(2);
  });

  it('a refresh that finishes after sign-out writes nothing and hands its token to nobody', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    const storage = inspectableStorage();
    world = await cognitoWorld({}, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    jest.setSystemTime(start + 58 * MINUTE);
    world.cognito.fail({ operation: 'InitiateAuth', delayMs: 300 });
    const refreshing = caught(world.auth.getIdToken());
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.auth.signOut();
    expect(await refreshing).toBeInstanceOf(NotSignedInError);
    await until(() => world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH') === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tokenKeys(storage)).toEqual([]);
    expect(world.auth.username).toBeUndefined();
  });
});

describe('createCognitoAuth: timeouts and retries on every Cognito call (issue 13.2)', () => {
  it('a stalled InitiateAuth fails sign-in with ERR_COGNITO_TIMEOUT after bounded attempts', async () => {
    world = await cognitoWorld({}, { timeoutMs: 150, retry: { retries: 1, baseDelayMs: 5 } });
    world.cognito.fail({ operation: 'InitiateAuth', delayMs: Infinity, times: 5 });
    const error = await caught(world.auth.signIn(ALICE.username, ALICE.password));
    expect(error).toBeInstanceOf(CognitoServiceError);
    expect(error).toMatchObject({ code: 'ERR_COGNITO_TIMEOUT' });
    expect(world.cognito.count('InitiateAuth')).toBe(2);
  });

  it('a stalled GetCredentialsForIdentity is abandoned: the retry answers, and later requests make new calls', async () => {
    world = await cognitoWorld({}, { timeoutMs: 150, retry: { retries: 1, baseDelayMs: 5 } });
    await world.auth.signIn(ALICE.username, ALICE.password);
    world.cognito.fail({ operation: 'GetCredentialsForIdentity', delayMs: Infinity });
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(2);

    world.auth.credentials.invalidate();
    world.cognito.fail({ operation: 'GetCredentialsForIdentity', delayMs: Infinity, times: 9 });
    const error = await caught(world.api.get('/notes'));
    expect(error).toMatchObject({ code: 'ERR_COGNITO_TIMEOUT' });
    world.cognito.clearFaults();
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(5);
  });

  it.each([
    ['a reset connection', { reset: true }],
    ['a body that is not JSON', { malformedBody: true }],
    ['a 503 with no type', { malformedBody: true, status: 503 }],
    ['InternalErrorException', { error: 'InternalErrorException' }],
    ['TooManyRequestsException', { error: 'TooManyRequestsException' }],
  ])('%s is retried the same way on both pools', async (_name, fault) => {
    world = await cognitoWorld();
    for (const operation of [
      'InitiateAuth',
      'RespondToAuthChallenge',
      'GetId',
      'GetCredentialsForIdentity',
    ]) {
      world.cognito.fail({ operation, ...fault });
    }
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.count('InitiateAuth')).toBe(2);
    expect(world.cognito.count('RespondToAuthChallenge')).toBe(2);
    expect(world.cognito.count('GetId')).toBe(2);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(2);
  });

  it('a throttled refresh is ERR_COGNITO_THROTTLED, not a sign-in attempt limit, and keeps the session', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    jest.setSystemTime(start + 58 * MINUTE);
    world.cognito.fail({ operation: 'InitiateAuth', error: 'LimitExceededException' });
    const limited = await caught(world.auth.getIdToken());
    expect(limited).toMatchObject({ code: 'ERR_COGNITO_THROTTLED' });
    world.cognito.fail({ operation: 'InitiateAuth', error: 'TooManyRequestsException', times: 3 });
    expect(await caught(world.auth.getIdToken())).toMatchObject({ code: 'ERR_COGNITO_THROTTLED' });
    expect(world.auth.username).toBe('alice');
    expect(await world.auth.getIdToken()).toEqual(expect.any(String));
  });
});

describe('createCognitoAuth: storage holds only the current user (issue 13.3)', () => {
  it('concurrent sign-ins: the last wins, the other rejects, and sign-out leaves no token at rest', async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld({ users: [{ ...ALICE }, { ...BOB }] }, { storage });
    const [first, second] = await Promise.allSettled([
      world.auth.signIn(ALICE.username, ALICE.password),
      world.auth.signIn(BOB.username, BOB.password),
    ]);
    expect(first).toMatchObject({ status: 'rejected', reason: { code: 'ERR_SIGN_IN_SUPERSEDED' } });
    expect(second).toMatchObject({ status: 'fulfilled', value: { username: 'bob' } });
    expect(world.auth.username).toBe('bob');
    expect(tokenKeys(storage).some((key) => key.includes('.alice.'))).toBe(false);
    await world.api.get('/notes');

    world.auth.signOut();
    expect(storage.keys()).toEqual([]);
  });

  it('a failed signIn leaves the current session as it was', async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld({ users: [{ ...ALICE }, { ...BOB }] }, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    await world.api.get('/notes');
    const before = storage.keys().map((key) => [key, storage.getItem(key)]);
    await expect(world.auth.signIn(BOB.username, 'wrong password')).rejects.toMatchObject({
      code: 'ERR_WRONG_PASSWORD',
    });
    expect(world.auth.username).toBe('alice');
    expect(storage.keys().map((key) => [key, storage.getItem(key)])).toEqual(before);
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(1);
  });

  it('a signIn pending when signOut() runs rejects and signs nobody in', async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld({}, { storage });
    world.cognito.fail({ operation: 'RespondToAuthChallenge', delayMs: 200 });
    // Sign out once the password proof is on its way (held 200 ms by the emulator).
    const sent: string[] = [];
    const original = globalThis.fetch;
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      sent.push(new Headers(init?.headers).get('X-Amz-Target') ?? '');
      return original(input, init);
    });
    const pending = caught(world.auth.signIn(ALICE.username, ALICE.password));
    await until(() => sent.some((target) => target.endsWith('.RespondToAuthChallenge')));
    spy.mockRestore();
    world.auth.signOut();
    expect(await pending).toMatchObject({ code: 'ERR_SIGN_IN_SUPERSEDED' });
    expect(world.cognito.count('RespondToAuthChallenge')).toBe(1); // it did succeed at Cognito
    expect(world.auth.username).toBeUndefined();
    expect(storage.keys()).toEqual([]);
  });
});

describe('createCognitoAuth: tabs sharing storage (issue 13.4)', () => {
  it.each([true, false])(
    'a sign-out in one tab is seen by the others at their next use (storage notifies: %p)',
    async (notifies) => {
      const start = Date.now();
      fakeDateOnly(start);
      const storage = inspectableStorage({ subscribe: notifies });
      world = await cognitoWorld({}, { storage });
      const tab1 = world.auth;
      await tab1.signIn(ALICE.username, ALICE.password);
      const tab2 = world.newAuth();
      const api2 = apiFor(tab2);
      expect(tab2.username).toBe('alice');
      expect((await api2.get('/notes')).status).toBe(200);

      tab1.signOut();
      await Promise.resolve();
      if (notifies) {
        // The storage told tab 2: its cached credentials are gone too.
        await expect(api2.get('/notes')).rejects.toBeInstanceOf(NotSignedInError);
      }
      jest.setSystemTime(start + 58 * MINUTE); // tab 2's routine refresh is due
      await expect(tab2.getIdToken()).rejects.toBeInstanceOf(NotSignedInError);
      expect(tab2.username).toBeUndefined();
      expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(0);
      expect(storage.keys()).toEqual([]);
      expect(world.newAuth().username).toBeUndefined(); // a reload of tab 1
    },
  );

  it('a tab that finishes a refresh after another tab signed out does not write the tokens back', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    const storage = inspectableStorage();
    world = await cognitoWorld({}, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    const tab2 = world.newAuth();
    jest.setSystemTime(start + 58 * MINUTE);
    world.cognito.fail({ operation: 'InitiateAuth', delayMs: 200 });
    const refreshing = caught(tab2.getIdToken());
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.auth.signOut();
    expect(await refreshing).toBeInstanceOf(NotSignedInError);
    await until(() => world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH') === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(storage.keys()).toEqual([]);
  });

  it('tabs share refreshed tokens: one refresh per expiry across tabs', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    const storage = inspectableStorage();
    world = await cognitoWorld({}, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    const tabs = [world.auth, world.newAuth(), world.newAuth()];
    const first = await tabs[1]!.getIdToken();
    jest.setSystemTime(start + 58 * MINUTE);
    const tokens = await Promise.all(tabs.map((tab) => tab.getIdToken()));
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    expect(
      storage.getItem(`CognitoIdentityServiceProvider.${world.cognito.clientId}.alice.idToken`),
    ).toBe(tokens[0]);
  });
});

describe('createCognitoAuth: the default storage (issue 13.5)', () => {
  const globals = globalThis as {
    window?: unknown;
    document?: unknown;
    localStorage?: unknown;
    addEventListener?: unknown;
  };
  afterEach(() => {
    delete globals.window;
    delete globals.document;
    delete globals.localStorage;
    delete globals.addEventListener;
  });

  it("Node 25's empty global localStorage is not used (no `getItem is not a function`)", async () => {
    globals.localStorage = {};
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect((await world.api.get('/notes')).status).toBe(200);
  });

  it('in Node, a working process-wide localStorage is not shared by two instances', async () => {
    const processWide = createMemoryStorage();
    globals.localStorage = processWide;
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect(world.newAuth().username).toBeUndefined();
    expect(
      processWide.getItem(`CognitoIdentityServiceProvider.${world.cognito.clientId}.LastAuthUser`),
    ).toBeNull();
  });

  it("in a browser, the `storage` event from another tab's sign-out drops this tab's cached credentials", async () => {
    const local = inspectableStorage({ subscribe: false });
    const listeners: Array<(event: { storageArea: unknown }) => void> = [];
    Object.assign(globals, {
      window: {},
      document: {},
      localStorage: local,
      addEventListener: (type: string, listener: (event: { storageArea: unknown }) => void) => {
        if (type === 'storage') listeners.push(listener);
      },
    });
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    const tab2 = world.newAuth();
    const api2 = apiFor(tab2);
    expect((await api2.get('/notes')).status).toBe(200);
    world.auth.signOut();
    expect(listeners.length).toBeGreaterThan(0);
    for (const listener of listeners) listener({ storageArea: local }); // what the browser sends
    await expect(api2.get('/notes')).rejects.toBeInstanceOf(NotSignedInError);
    expect(world.gateway.requests).toHaveLength(1);
  });

  it('in a browser, two tabs that take the refresh lease in the same instant still refresh once', async () => {
    // Chromium gives each tab its own copy of localStorage; another tab's write reaches it about
    // 1 ms later. Both tabs see the lease free and take it; only the settle wait tells them apart.
    const start = Date.now();
    fakeDateOnly(start);
    const [tab1Storage, tab2Storage] = laggedLocalStorage(5);
    Object.assign(globals, { window: {}, document: {}, localStorage: tab1Storage });
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    await new Promise((resolve) => setTimeout(resolve, 20)); // tab 2's copy catches up
    globals.localStorage = tab2Storage;
    const tab2 = world.newAuth();
    expect(tab2.username).toBe('alice');

    jest.setSystemTime(start + 58 * MINUTE);
    const tokens = await Promise.all([world.auth.getIdToken(), tab2.getIdToken()]);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
    expect(tokens[1]).toBe(tokens[0]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const idTokenKey = `CognitoIdentityServiceProvider.${world.cognito.clientId}.alice.idToken`;
    expect([tab1Storage.getItem(idTokenKey), tab2Storage.getItem(idTokenKey)]).toEqual([
      tokens[0],
      tokens[0],
    ]);
  });

  it("in a browser, a tab hidden (closed, reloaded) mid-refresh gives up the lease: the other tabs don't wait for it to lapse", async () => {
    const start = Date.now();
    fakeDateOnly(start);
    const local = createMemoryStorage();
    const pageHide: Array<() => void> = [];
    Object.assign(globals, {
      window: {},
      document: {},
      localStorage: local,
      addEventListener: (type: string, listener: () => void) => {
        if (type === 'pagehide') pageHide.push(listener);
      },
    });
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    const closing = pageHide.length; // the signed-in tab's listener
    jest.setSystemTime(start + 58 * MINUTE);
    world.cognito.fail({ operation: 'InitiateAuth', delayMs: Infinity }); // its refresh hangs
    const abandoned = world.auth.getIdToken().catch((error: unknown) => error);
    await until(() => world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH') === 1);
    const lease = `CognitoIdentityServiceProvider.${world.cognito.clientId}.alice.refreshLease`;
    expect(local.getItem(lease)).not.toBeNull();

    for (const listener of pageHide.slice(0, closing)) listener(); // the tab goes away
    expect(local.getItem(lease)).toBeNull();
    const reloaded = world.newAuth();
    const token = await Promise.race([
      reloaded.getIdToken(),
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error('still waiting for the lease of the closed tab')), 2000),
      ),
    ]);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(2);
    expect(
      local.getItem(`CognitoIdentityServiceProvider.${world.cognito.clientId}.alice.idToken`),
    ).toBe(token);
    world.auth.signOut(); // the closed tab's hung call ends (Cognito still holds it)
    expect(await abandoned).toMatchObject({ code: 'ERR_NOT_SIGNED_IN' });
  });

  it("in a browser, the page's localStorage is the default (a reload keeps the user)", async () => {
    const local = createMemoryStorage();
    Object.assign(globals, { window: {}, document: {}, localStorage: local });
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect(
      local.getItem(`CognitoIdentityServiceProvider.${world.cognito.clientId}.LastAuthUser`),
    ).toBe('alice');
    expect(world.newAuth().username).toBe('alice');
  });
});

describe('createCognitoAuth: identity ids (issue 13.6)', () => {
  it('a stored identity id the pool rejects is dropped and fetched again once', async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld({}, { storage });
    await world.auth.signIn(ALICE.username, ALICE.password);
    storage.setItem(identityKey('alice'), 'us-east-1:00000000-dead-4000-8000-000000000000');
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.count('GetId')).toBe(1);
    expect(storage.getItem(identityKey('alice'))).toBe(world.cognito.identityIdOf('alice'));
  });

  it("an identity id of another user's login (stored by an older version) is replaced, once", async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld({ users: [{ ...ALICE }, { ...BOB }] }, { storage });
    await world.auth.signIn(BOB.username, BOB.password);
    await world.api.get('/notes');
    await world.auth.signIn(ALICE.username, ALICE.password);
    storage.setItem(identityKey('alice'), world.cognito.identityIdOf('bob')!);
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(storage.getItem(identityKey('alice'))).toBe(world.cognito.identityIdOf('alice'));
    expect(world.cognito.identityIdOf('alice')).not.toBe(world.cognito.identityIdOf('bob'));
  });

  it('when the new identity id is rejected too, the message names the real cause', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    await world.api.get('/notes');
    world.auth.credentials.invalidate();
    world.cognito.fail({
      operation: 'GetCredentialsForIdentity',
      error: 'ResourceNotFoundException',
      message: 'Identity not found.',
      times: 2,
    });
    const error = await caught(world.api.get('/notes'));
    expect(error).toBeInstanceOf(CognitoServiceError);
    expect((error as Error).message).toContain('does not know this identity id');
    expect((error as Error).message).not.toContain('roles');
    expect(world.cognito.count('GetId')).toBe(2);
  });

  it('a transient error keeps the stored guest identity', async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld(
      { allowUnauthenticated: true },
      { allowGuest: true, storage, retry: { retries: 0 } },
    );
    await world.api.get('/notes');
    const guestId = storage.getItem(identityKey('ANONYMOUS'));
    expect(guestId).toEqual(expect.any(String));
    world.auth.credentials.invalidate();
    world.cognito.fail({ operation: 'GetCredentialsForIdentity', error: 'InternalErrorException' });
    expect(await caught(world.api.get('/notes'))).toMatchObject({
      code: 'ERR_COGNITO_UNAVAILABLE',
    });
    expect(storage.getItem(identityKey('ANONYMOUS'))).toBe(guestId);
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.count('GetId')).toBe(1);
  });
});

describe('createCognitoAuth: password reset, global sign-out, guest linking (issue 13.7)', () => {
  it('forgotPassword and confirmForgotPassword set a new password', async () => {
    world = await cognitoWorld({
      users: [{ ...ALICE, attributes: { email: 'alice@example.com' } }],
      passwordPolicy: { minimumLength: 8, requireNumbers: true },
    });
    await expect(world.auth.forgotPassword('alice')).resolves.toEqual({
      destination: 'a***@***',
      medium: 'EMAIL',
    });
    const code = world.cognito.lastCode('alice')!;
    await expect(
      world.auth.confirmForgotPassword(
        'alice',
        '000000' === code ? '111111' : '000000',
        'new password 1',
      ),
    ).rejects.toMatchObject({ code: 'ERR_CODE_MISMATCH' });
    const weak = await caught(world.auth.confirmForgotPassword('alice', code, 'no digits here'));
    expect(weak).toMatchObject({ code: 'ERR_INVALID_PASSWORD', passwordRule: 'numbers' });
    await world.auth.confirmForgotPassword('alice', code, 'new password 1');
    await expect(world.auth.signIn('alice', ALICE.password)).rejects.toMatchObject({
      code: 'ERR_WRONG_PASSWORD',
    });
    await expect(world.auth.signIn('alice', 'new password 1')).resolves.toEqual({
      username: 'alice',
    });
    await expect(world.auth.forgotPassword('nobody')).rejects.toMatchObject({
      code: 'ERR_USER_NOT_FOUND',
    });
  });

  it('signOut({ global: true }) signs out here at once and ends the sessions on other devices', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld();
    const laptop = world.auth;
    const phone = world.newAuth();
    await laptop.signIn(ALICE.username, ALICE.password);
    await phone.signIn(ALICE.username, ALICE.password);
    const done = laptop.signOut({ global: true });
    expect(laptop.username).toBeUndefined();
    await done;
    expect(world.cognito.count('GlobalSignOut')).toBe(1);
    jest.setSystemTime(start + 58 * MINUTE);
    await expect(phone.getIdToken()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(phone.username).toBeUndefined();
  });

  it('a guest who signs in keeps the guest identity id when the pool allows it', async () => {
    const storage = inspectableStorage();
    world = await cognitoWorld({ allowUnauthenticated: true }, { allowGuest: true, storage });
    await world.api.get('/notes');
    const guestId = storage.getItem(identityKey('ANONYMOUS'));
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.identityIdOf('alice')).toBe(guestId);
    expect(storage.getItem(identityKey('alice'))).toBe(guestId);
    expect(storage.getItem(identityKey('ANONYMOUS'))).toBeNull();
    expect(world.cognito.count('GetId')).toBe(1);
  });

  it('when the pool keeps guests apart, the user gets an identity of their own', async () => {
    world = await cognitoWorld(
      { allowUnauthenticated: true, linkGuestIdentities: false },
      { allowGuest: true },
    );
    await world.api.get('/notes');
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect((await world.api.get('/notes')).status).toBe(200);
    expect(world.cognito.count('GetId')).toBe(2);
  });

  it('a disabled user is told so, at sign-in and at the next refresh', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    world.cognito.setUserEnabled('alice', false);
    jest.setSystemTime(start + 58 * MINUTE);
    await expect(world.auth.getIdToken()).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(world.auth.signIn(ALICE.username, ALICE.password)).rejects.toMatchObject({
      code: 'ERR_USER_DISABLED',
    });
  });

  it('an expired challenge answer is ERR_CHALLENGE_EXPIRED, not a wrong code', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ users: [{ ...ALICE, mfa: 'SOFTWARE_TOKEN_MFA' }] });
    const first = await world.auth.signIn(ALICE.username, ALICE.password);
    jest.setSystemTime(start + 4 * MINUTE);
    await expect(first.challenge!.answer('123456')).rejects.toMatchObject({
      code: 'ERR_CHALLENGE_EXPIRED',
    });
    const second = await world.auth.signIn(ALICE.username, ALICE.password);
    await expect(second.challenge!.answer('123456')).resolves.toEqual({ username: 'alice' });
    await expect(second.challenge!.answer('123456')).rejects.toMatchObject({
      code: 'ERR_CHALLENGE_EXPIRED', // answered twice
    });
  });
});

describe('createCognitoAuth: smaller edges', () => {
  it('the ID-token margin is capped by the token lifetime (5-minute tokens are not refreshed on every call)', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    world = await cognitoWorld({ tokenLifetimeSeconds: 300 });
    await world.auth.signIn(ALICE.username, ALICE.password);
    const first = await world.auth.getIdToken();
    expect(await world.auth.getIdToken()).toBe(first);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(0);
    jest.setSystemTime(start + 150_000 + 1000);
    expect(await world.auth.getIdToken()).not.toBe(first);
    expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
  });

  it.each([65, -65])(
    "a device clock %i minutes off Cognito's refreshes by Cognito's clock, not on every call",
    async (minutes) => {
      const start = Date.now();
      fakeDateOnly(start);
      world = await cognitoWorld({ clockOffsetMs: -minutes * MINUTE });
      await world.auth.signIn(ALICE.username, ALICE.password);
      const first = await world.auth.getIdToken();
      expect(await world.auth.getIdToken()).toBe(first);
      expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(0);
      jest.setSystemTime(start + 56 * MINUTE);
      const second = await world.auth.getIdToken();
      expect(second).not.toBe(first);
      expect(await world.auth.getIdToken()).toBe(second);
      expect(world.cognito.count('InitiateAuth', 'REFRESH_TOKEN_AUTH')).toBe(1);
    },
  );

  it.each([
    ['retry.retries', { retry: { retries: Number.NaN } }],
    ['retry.retries', { retry: { retries: -1 } }],
    ['retry.retries', { retry: { retries: 1.5 } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: Infinity } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: -5 } }],
    ['tokenRefreshMarginMs', { tokenRefreshMarginMs: Number.NaN }],
    ['tokenRefreshMarginMs', { tokenRefreshMarginMs: -1 }],
    ['credentialsRefreshWindowMs', { credentialsRefreshWindowMs: Infinity }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['timeoutMs', { timeoutMs: '1000' }],
  ])('refuses a bad %s (%p) with a ConfigurationError', async (name, options) => {
    world = await cognitoWorld();
    let error: unknown;
    try {
      world.newAuth(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(name);
  });

  it('a storage without the Web Storage methods is refused', async () => {
    world = await cognitoWorld();
    expect(() => world.newAuth({ storage: {} as CognitoStorage })).toThrow(ConfigurationError);
  });
});
