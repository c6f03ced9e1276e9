import { createContext, runInContext } from 'node:vm';

import { bundleForBrowser } from '../helpers/browserBundle';

/**
 * The core, bundled for the browser platform (axios included), runs where there is no
 * `process`, no `Buffer` and no Node module: a vm context with only what browsers have.
 */
it('bundles for the browser and signs a request without process, Buffer or node: modules', async () => {
  const result = await bundleForBrowser(
    `
        import { apigSigner, fromStatic } from './lib/index.ts';
        import axios from 'axios';
        globalThis.sign = async () => {
          let sent;
          const api = axios.create({
            adapter: async (config) => {
              sent = config;
              return { data: '', status: 200, statusText: 'OK', headers: {}, config };
            },
          });
          api.interceptors.request.use(apigSigner({
            credentials: fromStatic({ accessKeyId: 'AKIDBROWSER', secretAccessKey: 'browser-secret', sessionToken: 'token' }),
          }));
          await api.post('https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes', { content: 'héllo' }, {
            params: { q: 'two words' },
            transformRequest: [(data, headers) => { headers.setContentType('application/json'); return JSON.stringify(data); }],
          });
          return { url: sent.url, authorization: sent.headers.get('Authorization'), data: sent.data };
        };`,
  );
  expect(result.nodeImports).toEqual([]);

  const browserLike = createContext({
    crypto: globalThis.crypto,
    TextEncoder,
    TextDecoder,
    URL,
    URLSearchParams,
    Blob,
    FormData,
    ReadableStream,
    AbortController,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    console,
  });
  expect(runInContext('typeof process + typeof Buffer + typeof require', browserLike)).toBe(
    'undefinedundefinedundefined',
  );
  runInContext(result.code, browserLike);
  const signed = (await runInContext('sign()', browserLike)) as Record<string, string>;
  expect(signed['url']).toBe(
    'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes?q=two%20words',
  );
  expect(signed['authorization']).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDBROWSER\/\d{8}\/eu-west-2\/execute-api\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
  );
  expect(signed['data']).toBe('{"content":"héllo"}');
});
