/** Where a {@link CognitoAuth} keeps tokens and the identity id: the Web Storage interface. */
export interface CognitoStorage {
  /** Reads a value, or `null`. */
  getItem(key: string): string | null;
  /** Writes a value. */
  setItem(key: string, value: string): void;
  /** Removes a value. */
  removeItem(key: string): void;
  /** Removes every value. */
  clear(): void;
  /**
   * Optional: calls `listener` (later, not during the write) whenever any user of this storage
   * changes it, and returns how to stop. Instances that share a storage use it to see each
   * other's sign-in, sign-out and refreshes at once, as browser tabs do through the `storage`
   * event (used for `localStorage` without this method).
   */
  subscribe?(listener: () => void): () => void;
}

/**
 * An asynchronous storage, such as React Native's `AsyncStorage`: the same three methods,
 * returning promises. `createCognitoAuth` reads the session from it once at start (until then
 * `username` is `undefined`; `signIn`, `getIdToken` and `credentials` wait for it) and writes
 * in order behind an in-memory copy, so it is meant for one instance per storage (one app).
 */
export interface AsyncCognitoStorage {
  /** Reads a value, or `null`. */
  getItem(key: string): Promise<string | null>;
  /** Writes a value. */
  setItem(key: string, value: string): Promise<void>;
  /** Removes a value. */
  removeItem(key: string): Promise<void>;
}

/**
 * An in-memory storage: what `createCognitoAuth` uses in Node, one per instance (never shared).
 * Pass one yourself to share a session between two instances, as a page reload or a second tab
 * does; instances sharing it see each other's changes (it has `subscribe`).
 *
 * @returns an empty storage.
 * @throws nothing.
 *
 * @example
 * ```ts
 * import { createCognitoAuth, createMemoryStorage } from 'apig-signer/cognito';
 *
 * const storage = createMemoryStorage();
 * const first = createCognitoAuth({ region, userPoolId, clientId, identityPoolId, storage });
 * await first.signIn(username, password);
 * const afterReload = createCognitoAuth({ region, userPoolId, clientId, identityPoolId, storage });
 * console.log(afterReload.username); // the user signed in on `first`
 * ```
 */
export function createMemoryStorage(): CognitoStorage {
  const values = new Map<string, string>();
  const listeners = new Set<() => void>();
  let queued = false;
  const changed = () => {
    if (queued || listeners.size === 0) return;
    queued = true;
    // Later, like the `storage` event: a listener never runs in the middle of a writer's work.
    queueMicrotask(() => {
      queued = false;
      for (const listener of [...listeners]) listener();
    });
  };
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => {
      values.set(key, String(value));
      changed();
    },
    removeItem: (key) => {
      if (values.delete(key)) changed();
    },
    clear: () => {
      values.clear();
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

interface BrowserGlobals {
  window?: { addEventListener?: unknown; removeEventListener?: unknown } | undefined;
  document?: unknown;
  localStorage?: unknown;
}

function behavesLikeStorage(value: unknown): value is CognitoStorage | AsyncCognitoStorage {
  const candidate = value as Partial<Record<keyof CognitoStorage, unknown>> | null | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.getItem === 'function' &&
    typeof candidate.setItem === 'function' &&
    typeof candidate.removeItem === 'function'
  );
}

/** The page's `localStorage`, only in a browser and only if it behaves like one; else `undefined`. */
function browserLocalStorage(): CognitoStorage | undefined {
  const globals = globalThis as BrowserGlobals;
  try {
    // Node 25 has a global `localStorage` (an empty object without --localstorage-file, else one
    // store for the whole process): never a default outside a page.
    if (typeof globals.window !== 'object' || typeof globals.document !== 'object')
      return undefined;
    const local = globals.localStorage;
    return behavesLikeStorage(local) ? (local as CognitoStorage) : undefined;
  } catch {
    // Some browsers throw on access to localStorage when storage is disabled.
    return undefined;
  }
}

/**
 * Whether `storage` is the page's `localStorage`. Tabs of the origin share it, but each tab (a
 * process of its own) reads a copy that another tab's writes reach a moment later.
 */
export function isPageLocalStorage(storage: CognitoStorage | AsyncCognitoStorage): boolean {
  return storage === browserLocalStorage();
}

/** `localStorage` in browsers, so a reload keeps the user signed in; elsewhere a fresh memory store. */
export function defaultStorage(): CognitoStorage {
  return browserLocalStorage() ?? createMemoryStorage();
}

/** Checks a storage given in the options. */
export function isCognitoStorage(value: unknown): value is CognitoStorage | AsyncCognitoStorage {
  return behavesLikeStorage(value);
}

/** Calls `listener` when the page is hidden for good or for the back/forward cache (`pagehide`), for the page's `localStorage` only. */
export function onPageHide(
  storage: CognitoStorage | AsyncCognitoStorage,
  listener: () => void,
): void {
  const globals = globalThis as { addEventListener?: (type: string, listener: () => void) => void };
  if (!isPageLocalStorage(storage) || typeof globals.addEventListener !== 'function') return;
  globals.addEventListener('pagehide', listener);
}

/**
 * Calls `listener` when another user of `storage` changes it: its `subscribe`, or for the
 * page's `localStorage` the `storage` event (fired in the other tabs of the origin).
 */
export function watchStorage(
  storage: CognitoStorage | AsyncCognitoStorage,
  listener: () => void,
): void {
  if ('subscribe' in storage && typeof storage.subscribe === 'function') {
    storage.subscribe(listener);
    return;
  }
  const globals = globalThis as BrowserGlobals & {
    addEventListener?: (type: string, listener: (event: { storageArea?: unknown }) => void) => void;
  };
  if (!isPageLocalStorage(storage) || typeof globals.addEventListener !== 'function') return;
  globals.addEventListener('storage', (event) => {
    if (event.storageArea === storage || event.storageArea === null) listener();
  });
}
