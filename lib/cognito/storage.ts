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
}

/**
 * An in-memory storage: what `createCognitoAuth` uses in Node, one per instance (never shared).
 * Pass one yourself to share a session between two instances, as a page reload does.
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
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => {
      values.set(key, String(value));
    },
    removeItem: (key) => {
      values.delete(key);
    },
    clear: () => {
      values.clear();
    },
  };
}

/** `localStorage` in browsers, so a reload keeps the user signed in; elsewhere a fresh memory store. */
export function defaultStorage(): CognitoStorage {
  try {
    const local = (globalThis as { localStorage?: CognitoStorage }).localStorage;
    if (local !== undefined && local !== null) return local;
  } catch {
    // Some browsers throw on access to localStorage when storage is disabled.
  }
  return createMemoryStorage();
}
