import axios from 'axios';
import type { AxiosInstance } from 'axios';

import { apigSigner } from '../../lib';
import { createCognitoAuth, createMemoryStorage } from '../../lib/cognito';
import type { CognitoAuth, CognitoAuthOptions, CognitoStorage } from '../../lib/cognito';
import { startCognitoEmulator, startSigV4Gateway } from '../../lib/testing';
import type { CognitoEmulator, CognitoEmulatorOptions, SigV4Gateway } from '../../lib/testing';

export const ALICE = { username: 'alice', password: 'correct horse battery' } as const;

export interface CognitoWorld {
  gateway: SigV4Gateway;
  cognito: CognitoEmulator;
  auth: CognitoAuth;
  api: AxiosInstance;
  /** Another auth instance against the same emulator (a second tab, a reload). */
  newAuth(options?: Partial<CognitoAuthOptions>): CognitoAuth;
  close(): Promise<void>;
}

/** A gateway, a Cognito emulator linked to it, an auth and an axios instance signing with it. */
export async function cognitoWorld(
  emulator: CognitoEmulatorOptions = {},
  authOptions: Partial<CognitoAuthOptions> = {},
): Promise<CognitoWorld> {
  const gateway = await startSigV4Gateway({ credentials: [] });
  const cognito = await startCognitoEmulator({
    users: [{ ...ALICE }],
    gateways: [gateway],
    ...emulator,
  });
  const newAuth = (options: Partial<CognitoAuthOptions> = {}) =>
    createCognitoAuth({
      region: cognito.region,
      userPoolId: cognito.userPoolId,
      clientId: cognito.clientId,
      identityPoolId: cognito.identityPoolId,
      endpoints: { userPool: cognito.url, identity: cognito.url },
      retry: { baseDelayMs: 5 },
      ...authOptions,
      ...options,
    });
  const auth = newAuth();
  const api = axios.create({ baseURL: `${gateway.url}/prod` });
  api.interceptors.request.use(
    apigSigner({ credentials: auth.credentials, region: 'us-east-1', hosts: ['127.0.0.1'] }),
  );
  return {
    gateway,
    cognito,
    auth,
    api,
    newAuth,
    async close() {
      await cognito.close();
      await gateway.close();
    },
  };
}

/** Fakes only `Date`, so servers and sockets keep running while the test moves the clock. */
export function fakeDateOnly(start: number = Date.now()): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
    now: start,
  });
}

/** A Web Storage whose keys a test can list: what is left at rest after sign-out. */
export interface InspectableStorage extends CognitoStorage {
  keys(): string[];
}

/** Like `createMemoryStorage()` (it notifies sharers), with `keys()` for the test. */
export function inspectableStorage(options: { subscribe?: boolean } = {}): InspectableStorage {
  const inner = createMemoryStorage();
  const keys = new Set<string>();
  return {
    getItem: (key) => inner.getItem(key),
    setItem(key, value) {
      keys.add(key);
      inner.setItem(key, value);
    },
    removeItem(key) {
      keys.delete(key);
      inner.removeItem(key);
    },
    clear() {
      keys.clear();
      inner.clear();
    },
    ...(options.subscribe === false
      ? {}
      : { subscribe: (listener: () => void) => inner.subscribe!(listener) }),
    keys: () => [...keys].sort(),
  };
}

/** Resolves once `condition()` holds (checked every 10 ms), or fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('until(): the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * One origin's localStorage as two tabs see it in Chromium: each tab reads its own copy, and a
 * write reaches both copies `lagMs` later as the browser ordered it (the last write wins in both).
 */
export function laggedLocalStorage(lagMs: number): [CognitoStorage, CognitoStorage] {
  const browser = new Map<string, string>();
  const copies = [new Map<string, string>(), new Map<string, string>()];
  const deliver = (key: string) => {
    setTimeout(() => {
      const value = browser.get(key);
      for (const copy of copies) {
        if (value === undefined) copy.delete(key);
        else copy.set(key, value);
      }
    }, lagMs);
  };
  const tab = (copy: Map<string, string>): CognitoStorage => ({
    getItem: (key) => copy.get(key) ?? null,
    setItem(key, value) {
      copy.set(key, value);
      browser.set(key, value);
      deliver(key);
    },
    removeItem(key) {
      copy.delete(key);
      browser.delete(key);
      deliver(key);
    },
    clear() {
      for (const key of [...browser.keys()]) this.removeItem(key);
    },
  });
  return [tab(copies[0]!), tab(copies[1]!)];
}
