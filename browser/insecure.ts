// The plain-http page: served from http://app.test:{port} (a name that is not localhost, mapped
// to 127.0.0.1 by Chromium's --host-resolver-rules), so it is not a secure context and
// `crypto.subtle` is undefined, as on a dev box or LAN address. Bundled by
// scripts/browser-test.mjs. It signs with `Sha256` from @aws-crypto/sha256-universal (which
// falls back to JavaScript here), and without it, to show the typed error.
import { Sha256 } from '@aws-crypto/sha256-universal';
import axios from 'axios';

import { apigSigner } from '../lib/index';
import type { ApigSignerOptions } from '../lib/index';

interface InsecureConfig {
  apiUrl: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

const config = JSON.parse(
  new URLSearchParams(location.search).get('config') ?? '{}',
) as InsecureConfig;

async function send(label: string, options: ApigSignerOptions) {
  const api = axios.create({ baseURL: config.apiUrl, adapter: 'fetch' });
  api.interceptors.request.use(
    apigSigner({
      credentials: config.credentials,
      region: config.region,
      hosts: ['127.0.0.1'],
      ...options,
    }),
  );
  try {
    const response = await api.post(
      `/insecure/${label}`,
      { content: 'héllo' },
      { params: { q: 'a b' } },
    );
    return { label, status: response.status };
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    return { label, status: 'error', name: e.name, code: e.code, message: e.message };
  }
}

const flow = {
  secure: () => ({ isSecureContext, subtle: typeof globalThis.crypto?.subtle }),
  withSha256: () => send('with-sha256', { sha256: Sha256 }),
  without: () => send('without', {}),
};

(window as unknown as { flow: typeof flow }).flow = flow;
document.body.dataset['ready'] = 'true';
