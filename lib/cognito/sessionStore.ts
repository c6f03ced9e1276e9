import { StorageError } from './errors';
import { claimsOf, foreignTokens, numberClaim } from './jwt';
import type { IssuedTokens } from './signInSteps';
import type { AsyncCognitoStorage, CognitoStorage } from './storage';

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
  /**
   * Resolves once an asynchronous storage has been read into memory (at once for a
   * synchronous one); every other method reads that copy until then and after.
   */
  readonly ready: Promise<void>;
  /** Whether `ready` has resolved (always, for a synchronous storage). */
  readonly loaded: boolean;
  /** The signed-in user and their tokens, or `undefined` (nobody, a partial write, or tokens of another pool or client, which are dropped). */
  readUser(): StoredUser | undefined;
  /**
   * Makes `username` the signed-in user with these tokens: all or nothing. When a write fails
   * every item is put back as it was and a {@link StorageError} is thrown (or rejected, for an
   * asynchronous storage). Synchronous for a synchronous storage.
   */
  writeUser(username: string, tokens: Tokens): void | Promise<void>;
  /** Removes the tokens and identity id of `username`, and of every user this instance wrote. */
  clearUsers(username: string | undefined): void;
  /**
   * The identity id of `username`, or for a guest (`undefined`) also one stored by the AWS SDK
   * v2 (`aws.cognito.identity-id.<identityPoolId>`) or Amplify v6.
   */
  identityId(username: string | undefined): string | undefined;
  setIdentityId(username: string | undefined, identityId: string): void;
  /** Removes the stored identity id of `username` if it is still `identityId`. */
  dropIdentityId(username: string | undefined, identityId: string): void;
  /** Who holds the refresh lease of `username`, and until when (ms since the epoch). */
  lease(username: string): { owner: string; until: number } | undefined;
  takeLease(username: string, owner: string, until: number): void;
  releaseLease(username: string, owner: string): void;
}

export interface SessionStoreOptions {
  storage: CognitoStorage | AsyncCognitoStorage;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
}

const GUEST = 'ANONYMOUS';
/** Amplify v6 writes this item at every sign-in; amazon-cognito-identity-js never does. */
const AMPLIFY_MARK = 'signInDetails';
const TOKEN_ITEMS = ['idToken', 'accessToken', 'refreshToken', 'clockDrift', AMPLIFY_MARK];
const LEASE_ITEM = 'refreshLease';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === 'function';

/** An error's name (`QuotaExceededError`), whatever realm made it (DOMException included). */
const nameOf = (error: unknown): string => {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : 'an error';
};

function storageError(error: unknown): StorageError {
  const name = nameOf(error);
  return new StorageError(
    `\`storage\` refused the tokens (${name}; see \`cause\`): nothing was kept. Free storage space.`,
    { cause: error },
  );
}

/**
 * The storage key of one item of a user, as amazon-cognito-identity-js names it:
 * `CognitoIdentityServiceProvider.{clientId}.{username}.{item}` (tokens, the refresh lease, a
 * remembered device).
 */
export const userItemKey = (clientId: string, username: string, item: string): string =>
  `CognitoIdentityServiceProvider.${clientId}.${username}.${item}`;

/**
 * Storage laid out as amazon-cognito-identity-js lays it out (so sessions it or Amplify v6
 * stored restore, and the other way round), and written only by us:
 *
 * - `CognitoIdentityServiceProvider.{clientId}.LastAuthUser`: who is signed in;
 * - `CognitoIdentityServiceProvider.{clientId}.{username}.{idToken|accessToken|refreshToken|clockDrift}`;
 *   `clockDrift` in seconds, device minus Cognito. Amplify v6 writes milliseconds with the
 *   opposite sign, and also `signInDetails`, which tells its layout apart;
 * - `aws:cognito-identity-credentials:{identityPoolId}:{username or ANONYMOUS}`: identity ids;
 * - `CognitoIdentityServiceProvider.{clientId}.{username}.refreshLease`: which instance (tab) is
 *   refreshing, and until when.
 *
 * An asynchronous storage (React Native's AsyncStorage: promises) is read once into memory
 * (`ready`) and written in order behind it; a synchronous one is read and written directly, so
 * tabs sharing `localStorage` see each other at once.
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { storage, userPoolId, clientId, identityPoolId } = options;
  /** Every user whose tokens this instance wrote: sign-out removes them all. */
  const written = new Set<string>();
  const lastUserKey = `CognitoIdentityServiceProvider.${clientId}.LastAuthUser`;
  const tokenKey = (username: string, name: string) => userItemKey(clientId, username, name);
  const identityKey = (username: string | undefined) =>
    `aws:cognito-identity-credentials:${identityPoolId}:${username ?? GUEST}`;
  const legacyGuestKeys = [
    `aws.cognito.identity-id.${identityPoolId}`,
    `com.amplify.Cognito.${identityPoolId}.identityId`,
  ];

  // ---- Synchronous or asynchronous storage, behind get/set/remove -----------------------------
  const first = storage.getItem(lastUserKey);
  const asynchronous = isThenable(first);
  /** The in-memory copy of an asynchronous storage; unused for a synchronous one. */
  const copy = new Map<string, string | null>();
  /** Writes to an asynchronous storage, in order. */
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = (write: () => unknown): Promise<void> => {
    const next = queue.then(write).then(() => undefined);
    queue = next.catch(() => undefined);
    return next;
  };

  const get = (key: string): string | null =>
    asynchronous ? (copy.get(key) ?? null) : (storage as CognitoStorage).getItem(key);
  /** Writes; a synchronous storage's failure throws, an asynchronous one's is returned. */
  const set = (key: string, value: string): void | Promise<void> => {
    if (!asynchronous) {
      (storage as CognitoStorage).setItem(key, value);
      return undefined;
    }
    copy.set(key, value);
    return enqueue(() => storage.setItem(key, value));
  };
  const remove = (key: string): void | Promise<void> => {
    if (!asynchronous) {
      (storage as CognitoStorage).removeItem(key);
      return undefined;
    }
    copy.set(key, null);
    return enqueue(() => storage.removeItem(key));
  };
  /**
   * A write that never fails (synchronously or later): what it leaves behind cannot be helped,
   * and the caller goes on.
   */
  const quietly = (write: () => void | Promise<void>): void => {
    try {
      write()?.catch(() => undefined);
    } catch {
      // nothing more to do
    }
  };
  const removeQuietly = (key: string): void => {
    quietly(() => remove(key));
  };

  async function load(): Promise<void> {
    const read = async (key: string) => {
      const value = key === lastUserKey ? await first : await storage.getItem(key);
      if (!copy.has(key)) copy.set(key, typeof value === 'string' ? value : null);
      return value;
    };
    const username = await read(lastUserKey);
    const keys = [identityKey(undefined), ...legacyGuestKeys];
    if (typeof username === 'string' && username !== '') {
      keys.push(identityKey(username), tokenKey(username, LEASE_ITEM));
      keys.push(...TOKEN_ITEMS.map((name) => tokenKey(username, name)));
    }
    await Promise.all(keys.map(read));
  }
  let loaded = !asynchronous;
  const ready = asynchronous
    ? load().then(
        () => {
          loaded = true;
        },
        (error: unknown) => {
          throw new StorageError(
            `The session could not be read from \`storage\` (${nameOf(error)}; see \`cause\`).`,
            { cause: error },
          );
        },
      )
    : Promise.resolve();
  ready.catch(() => undefined); // reported to each caller that waits for it

  function dropUser(username: string): void {
    for (const name of [...TOKEN_ITEMS, LEASE_ITEM]) removeQuietly(tokenKey(username, name));
    if (get(lastUserKey) === username) removeQuietly(lastUserKey);
  }

  const store: SessionStore = {
    ready,
    get loaded() {
      return loaded;
    },

    readUser() {
      const username = get(lastUserKey);
      if (!username) return undefined;
      const idToken = get(tokenKey(username, 'idToken'));
      const accessToken = get(tokenKey(username, 'accessToken'));
      const refreshToken = get(tokenKey(username, 'refreshToken'));
      if (!idToken || !accessToken || !refreshToken) return undefined;
      if (foreignTokens(idToken, accessToken, userPoolId, clientId) !== undefined) {
        // Another pool's or client's tokens (a changed configuration): they would only fail.
        dropUser(username);
        return undefined;
      }
      const drift = Number(get(tokenKey(username, 'clockDrift')) ?? 0);
      const amplify = get(tokenKey(username, AMPLIFY_MARK)) !== null;
      const clockDriftMs = !Number.isFinite(drift) ? 0 : amplify ? -drift : drift * 1000;
      return { username, tokens: { idToken, accessToken, refreshToken, clockDriftMs } };
    },

    writeUser(username, tokens) {
      written.add(username);
      const items: Array<[string, string | undefined]> = [
        [tokenKey(username, 'idToken'), tokens.idToken],
        [tokenKey(username, 'accessToken'), tokens.accessToken],
        [tokenKey(username, 'refreshToken'), tokens.refreshToken],
        // In seconds, as amazon-cognito-identity-js stores it.
        [tokenKey(username, 'clockDrift'), String(Math.round(tokens.clockDriftMs / 1000))],
        // Amplify's mark goes: from now on the layout is amazon-cognito-identity-js's.
        [tokenKey(username, AMPLIFY_MARK), undefined],
        // Last: until it is written, nobody is signed in with half the items.
        [lastUserKey, username],
      ];
      // On a failure every item goes back to what it was: the previous tokens of a refresh
      // (still good), or nothing for a new sign-in.
      const before = items.map(([key]) => [key, get(key)] as const);
      const undo = (error: unknown): never => {
        // Restoring the value that was there rarely fails; nothing more to do if it does.
        for (const [key, value] of before) {
          quietly(() => (value === null ? remove(key) : set(key, value)));
        }
        throw storageError(error);
      };
      const pending: Array<Promise<void>> = [];
      for (const [key, value] of items) {
        try {
          const done = value === undefined ? remove(key) : set(key, value);
          if (done !== undefined) pending.push(done);
        } catch (error) {
          undo(error);
        }
      }
      if (pending.length === 0) return undefined;
      return Promise.all(pending).then(() => undefined, undo);
    },

    clearUsers(username) {
      const users = new Set(written);
      if (username !== undefined) users.add(username);
      for (const user of users) {
        for (const name of [...TOKEN_ITEMS, LEASE_ITEM]) removeQuietly(tokenKey(user, name));
        removeQuietly(identityKey(user));
      }
      const last = get(lastUserKey);
      if (last !== null && users.has(last)) removeQuietly(lastUserKey);
      written.clear();
    },

    identityId(username) {
      const own = get(identityKey(username));
      if (own) return own;
      if (username !== undefined) return undefined;
      for (const key of legacyGuestKeys) {
        const legacy = get(key);
        if (legacy && /^[\w-]+:[0-9a-f-]+$/i.test(legacy)) return legacy;
      }
      return undefined;
    },

    setIdentityId(username, identityId) {
      // Not kept: the next start asks the pool again (GetId), which gives the same id.
      quietly(() => set(identityKey(username), identityId));
    },

    dropIdentityId(username, identityId) {
      if (get(identityKey(username)) === identityId) removeQuietly(identityKey(username));
      if (username !== undefined) return;
      for (const key of legacyGuestKeys) if (get(key) === identityId) removeQuietly(key);
    },

    lease(username) {
      const value = get(tokenKey(username, LEASE_ITEM));
      const space = value?.lastIndexOf(' ') ?? -1;
      if (value === null || space < 1) return undefined;
      const until = Number(value.slice(space + 1));
      // A lease whose date cannot be read has no date: it holds nobody up.
      return { owner: value.slice(0, space), until: Number.isFinite(until) ? until : 0 };
    },

    takeLease(username, owner, until) {
      // A lease that cannot be written only means another tab may refresh at the same time.
      quietly(() => set(tokenKey(username, LEASE_ITEM), `${owner} ${until}`));
    },

    releaseLease(username, owner) {
      if (store.lease(username)?.owner === owner) removeQuietly(tokenKey(username, LEASE_ITEM));
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
