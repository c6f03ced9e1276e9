import { createContext, runInContext } from 'node:vm';

import { bundleForBrowser } from '../helpers/browserBundle';

import type { SigV4Gateway } from '../../lib/testing';
import { TEST_KEYS, startTestGateway } from '../helpers/setup';

/**
 * React Native's Hermes has no `crypto` (neither node:crypto nor `crypto.subtle`), no `process`,
 * no `Buffer` and no `require`; it has `TextEncoder`, `URL` (with react-native-url-polyfill, as
 * docs/getting-started.md says), timers and `fetch`. The browser build of apig-signer, bundled
 * with `@aws-crypto/sha256-js` as the app would, runs in a vm context that has only those, and
 * the requests it signs are sent to the gateway, which verifies them.
 */
let gateway: SigV4Gateway;
let bundle: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  const result = await bundleForBrowser(
    `
        import { apigSigner, signRequest, presignUrl } from './lib/index.ts';
        import { Sha256 } from '@aws-crypto/sha256-js';
        import axios from 'axios';
        const credentials = ${JSON.stringify(TEST_KEYS)};
        const common = { credentials, region: 'us-east-1' };
        globalThis.viaInterceptor = async (baseURL, withHash) => {
          // An adapter that sends with the platform's fetch, as React Native's does.
          const api = axios.create({
            adapter: async (config) => {
              const response = await fetch(config.url, { method: 'POST', headers: config.headers.toJSON(), body: config.data });
              return { data: '', status: response.status, statusText: '', headers: {}, config };
            },
            validateStatus: null,
          });
          api.interceptors.request.use(apigSigner({ ...common, hosts: ['127.0.0.1'], ...(withHash ? { sha256: Sha256 } : {}) }));
          const response = await api.post(baseURL + '/prod/notes', { content: 'héllo' }, {
            params: { q: 'two words é' },
            transformRequest: [(data, headers) => { headers.setContentType('application/json'); return JSON.stringify(data); }],
          });
          return response.status;
        };
        globalThis.viaSignRequest = async (baseURL) => {
          const request = await signRequest({ ...common, sha256: Sha256, method: 'PUT', url: baseURL + '/prod/blobs/1?tag=a&tag=b',
            headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array([0, 1, 2, 254, 255]) });
          return (await fetch(request.url, request)).status;
        };
        globalThis.viaPresignUrl = async (baseURL) => {
          const url = await presignUrl({ ...common, sha256: Sha256, url: baseURL + '/prod/connect?room=lobby' });
          return (await fetch(url)).status;
        };`,
  );
  expect(result.nodeImports).toEqual([]);
  bundle = result.code;
});

afterAll(async () => {
  await gateway.close();
});

/** A fresh Hermes-like global scope with the bundle loaded. */
function hermesLike() {
  const context = createContext({
    TextEncoder,
    URL,
    URLSearchParams,
    fetch,
    setTimeout,
    clearTimeout,
    console,
  });
  expect(
    runInContext(
      '[typeof crypto, typeof process, typeof Buffer, typeof require, typeof TextEncoder]',
      context,
    ),
  ).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'function']);
  runInContext(bundle, context);
  return context;
}

describe('apig-signer in a React-Native-like runtime (no crypto)', () => {
  it('signs with Sha256 from @aws-crypto/sha256-js, and the gateway accepts every request', async () => {
    const context = hermesLike();
    const before = gateway.requests.length;
    expect(
      await runInContext(`viaInterceptor(${JSON.stringify(gateway.url)}, true)`, context),
    ).toBe(200);
    expect(await runInContext(`viaSignRequest(${JSON.stringify(gateway.url)})`, context)).toBe(200);
    expect(await runInContext(`viaPresignUrl(${JSON.stringify(gateway.url)})`, context)).toBe(200);
    const received = gateway.requests.slice(before);
    expect(received.map((r) => [r.method, r.path, r.verdict.accepted])).toEqual([
      ['POST', '/prod/notes', true],
      ['PUT', '/prod/blobs/1', true],
      ['GET', '/prod/connect', true],
    ]);
    expect(received[0]!.body.toString()).toBe('{"content":"héllo"}');
    expect(received[0]!.query).toEqual([['q', 'two words é']]);
  });

  it('without `sha256`, fails with ERR_NO_CRYPTO naming the fix, before any request is sent', async () => {
    const context = hermesLike();
    const before = gateway.requests.length;
    const error = (await runInContext(
      `viaInterceptor(${JSON.stringify(gateway.url)}, false).catch((e) => e)`,
      context,
    )) as { name: string; code: string; message: string };
    expect(error.name).toBe('SigningError');
    expect(error.code).toBe('ERR_NO_CRYPTO');
    expect(error.message).toContain("`sha256: Sha256` from '@aws-crypto/sha256-js'");
    expect(error.message).toContain('sha256: Sha256');
    expect(gateway.requests.length).toBe(before);
  });
});
