// The test page: runs in Chromium, bundled by scripts/browser-test.mjs. It signs a user in with
// SRP against the Cognito emulator and makes signed requests through axios's XHR and fetch
// adapters to the gateway, both on other origins (so CORS preflights happen as in production).
import axios from 'axios';

import { attachApigSigner } from '../lib/index';
import type { AttachedApigSigner } from '../lib/index';
import { config, pageAuth } from './config';

export interface CaseResult {
  label: string;
  adapter: string;
  status: number | string;
}

const auth = pageAuth();

const signers: AttachedApigSigner[] = [];
function client(adapter: 'xhr' | 'fetch') {
  const api = axios.create({ baseURL: config.apiUrl, adapter });
  signers.push(
    attachApigSigner(api, {
      credentials: auth.credentials,
      region: config.region,
      hosts: ['127.0.0.1'],
    }),
  );
  return api;
}
const clients = { xhr: client('xhr'), fetch: client('fetch') };

function show(title: string, rows: CaseResult[]): void {
  const section = document.createElement('section');
  const heading = document.createElement('h2');
  heading.textContent = title;
  section.append(heading);
  const table = document.createElement('table');
  for (const row of rows) {
    const tr = table.insertRow();
    for (const cell of [row.adapter, row.label, String(row.status)])
      tr.insertCell().textContent = cell;
    tr.className = row.status === 200 ? 'ok' : 'failed';
  }
  section.append(table);
  document.querySelector('main')?.append(section);
}

async function run(
  label: string,
  adapter: 'xhr' | 'fetch',
  send: () => Promise<{ status: number }>,
) {
  try {
    return { label, adapter, status: (await send()).status };
  } catch (error) {
    return { label, adapter, status: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

async function requests(): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const adapter of ['xhr', 'fetch'] as const) {
    const api = clients[adapter];
    results.push(
      await run('GET params: spaces, unicode, arrays', adapter, () =>
        api.get(`/notes/${adapter}`, { params: { q: 'two words é', tags: ['a', 'b'] } }),
      ),
      await run('POST JSON', adapter, () => api.post(`/notes/${adapter}`, { content: 'héllo' })),
      await run('PUT binary', adapter, () =>
        api.put(`/blobs/${adapter}`, new Uint8Array([0, 1, 2, 254, 255]), {
          headers: { 'Content-Type': 'application/octet-stream' },
        }),
      ),
      await run('POST FormData upload', adapter, () => {
        const form = new FormData();
        form.append('title', 'héllo');
        form.append('file', new File(['file body'], 'a.txt', { type: 'text/plain' }));
        return api.post(`/upload/${adapter}`, form);
      }),
      await run('GET with a custom header', adapter, () =>
        api.get(`/custom/${adapter}`, { headers: { 'Content-Language': 'fr-CH' } }),
      ),
    );
  }
  return results;
}

const flow = {
  async signIn() {
    const result = await auth.signIn(config.username, config.password);
    const rows = result.challenge ? [] : await requests();
    show(`Signed in as ${auth.username ?? '?'} (SRP)`, rows);
    return { username: auth.username, rows };
  },
  async restore() {
    const rows = [await run('GET after reload', 'xhr', () => clients.xhr.get('/restored'))];
    show(`Restored from localStorage: ${auth.username ?? 'nobody'}`, rows);
    return { username: auth.username, rows };
  },
  async skew() {
    const rows = [
      await run('GET with the device clock 10 minutes slow', 'fetch', () =>
        clients.fetch.get('/skewed'),
      ),
    ];
    const offset = signers[1]?.clockOffsetMs ?? 0;
    show(`Clock skew recovered: correction ${Math.round(offset / 1000)} s`, rows);
    return { clockOffsetMs: offset, rows };
  },
};

(window as unknown as { flow: typeof flow }).flow = flow;
document.body.dataset['ready'] = 'true';
