// The two-tab page: scripts/browser-test.mjs opens it twice, in one browser context, so both
// tabs share the origin's localStorage. Each tab has its own createCognitoAuth() (as two tabs of
// an app do) and signs requests with the fetch adapter. The script drives the tabs one step at
// a time and reads what the emulator and the gateway saw.
import axios from 'axios';

import { attachApigSigner } from '../lib/index';
import { config, pageAuth } from './config';

const auth = pageAuth();
const api = axios.create({ baseURL: config.apiUrl, adapter: 'fetch' });
attachApigSigner(api, {
  credentials: auth.credentials,
  region: config.region,
  hosts: ['127.0.0.1'],
});

// Registered after createCognitoAuth's own listener: when this one has seen an event, the
// library has seen it too (listeners run in the order they were added).
const storageEvents: string[] = [];
let onStorageEvent: () => void = () => undefined;
window.addEventListener('storage', (event) => {
  storageEvents.push(event.key ?? '(clear)');
  onStorageEvent();
});

/** Resolves once a `storage` event for `key` has arrived (or had arrived), or after `ms`. */
function storageEventFor(key: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const seen = () => storageEvents.includes(key);
    if (seen()) {
      resolve(true);
      return;
    }
    const timer = setTimeout(() => {
      resolve(seen());
    }, ms);
    onStorageEvent = () => {
      if (!seen()) return;
      clearTimeout(timer);
      resolve(true);
    };
  });
}

async function request(path: string) {
  try {
    const response = await api.get(`/tabs/${path}`);
    return { status: response.status };
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    return { status: 'error', name: e.name, code: e.code, message: e.message };
  }
}

const lastUserKey = `CognitoIdentityServiceProvider.${config.clientId}.LastAuthUser`;

const flow = {
  async signIn() {
    const result = await auth.signIn(config.username, config.password);
    return { challenge: result.challenge?.name ?? null };
  },
  signOut() {
    auth.signOut();
  },
  username: () => auth.username ?? null,
  /** Forgets the events seen so far, so the next wait is for a new one. */
  forgetStorageEvents() {
    storageEvents.length = 0;
  },
  /** Waits for another tab's sign-in or sign-out to reach this tab as a `storage` event. */
  waitForSignInOrOut: (ms: number) => storageEventFor(lastUserKey, ms),
  request,
  /** Sends at the instant `at` (ms since the epoch), so two tabs can start together. */
  async requestAt(at: number, path: string) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(at - Date.now(), 0)));
    const startedAt = Date.now();
    return { ...(await request(path)), startedAt };
  },
};

(window as unknown as { flow: typeof flow }).flow = flow;
document.body.dataset['ready'] = 'true';
