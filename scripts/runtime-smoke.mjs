// The e2e smoke that `npm run test:runtimes` runs inside each runtime (Node, Bun, Deno): apig-signer
// as users load it (the built package through its `exports`), through axios's http and fetch
// adapters, against the gateway and Cognito emulator that scripts/test-runtimes.mjs started in
// the host Node. Configuration comes in APIG_SMOKE (JSON); prints one `ok`/`FAIL` line per check
// and exits non-zero if any failed. Every path starts with `/prod/{run}/` so that the host can
// check the gateway's own verdicts for this run.
import axios from 'axios';
import { apigSigner, presignUrl, signRequest } from 'apig-signer';
import { createCognitoAuth } from 'apig-signer/cognito';

const config = JSON.parse(globalThis.process?.env.APIG_SMOKE ?? '{}');
const base = `${config.gatewayUrl}/prod/${config.run}`;
let failed = 0;
const check = (ok, label, detail = '') => {
  if (!ok) failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${ok || detail === '' ? '' : `: ${detail}`}`);
};
const attempt = async (label, fn) => {
  try {
    await fn();
  } catch (error) {
    check(false, label, `${error?.name}: ${error?.message} ${error?.response?.status ?? ''}`);
  }
};
const decode = (echo) =>
  new TextDecoder().decode(Uint8Array.from(atob(echo.body), (c) => c.charCodeAt(0)));
const runtime = globalThis.Deno
  ? `Deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `Bun ${globalThis.Bun.version}`
    : `Node ${globalThis.process.versions.node}`;
const builtin = typeof globalThis.process?.getBuiltinModule === 'function';
console.log(`${runtime}: hashing with ${builtin ? 'node:crypto' : 'WebCrypto'}`);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function client(adapter, options = {}) {
  const api = axios.create({ baseURL: base, adapter });
  api.interceptors.request.use(
    apigSigner({
      credentials: config.credentials,
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
      ...options,
    }),
  );
  return api;
}

for (const adapter of ['http', 'fetch']) {
  const api = client(adapter);
  await attempt(`${adapter}: GET with query`, async () => {
    const { data } = await api.get('/notes', { params: { q: 'two words é', tags: ['a', 'b'] } });
    check(
      same(data.query, [
        ['q', 'two words é'],
        ['tags[]', 'a'],
        ['tags[]', 'b'],
      ]),
      `${adapter}: GET with query`,
      JSON.stringify(data.query),
    );
  });
  await attempt(`${adapter}: POST JSON`, async () => {
    const { data } = await api.post('/notes', { content: 'héllo', n: [1, 2] });
    check(decode(data) === '{"content":"héllo","n":[1,2]}', `${adapter}: POST JSON`, decode(data));
  });
  await attempt(`${adapter}: FormData`, async () => {
    const form = new FormData();
    form.append('title', 'héllo');
    form.append('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt');
    const { data } = await api.post('/upload', form);
    const type = data.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
    const bytes = Uint8Array.from(atob(data.body), (c) => c.charCodeAt(0));
    const received = await new Response(bytes, { headers: { 'content-type': type } }).formData();
    check(
      received.get('title') === 'héllo' && (await received.get('file')?.text()) === 'file body',
      `${adapter}: FormData`,
      `${type} ${decode(data).slice(0, 80)}`,
    );
  });
  await attempt(`${adapter}: signQuery`, async () => {
    const { data } = await client(adapter, { signQuery: true }).get('/query', {
      params: { a: '1' },
    });
    check(
      /(^|&)X-Amz-Signature=[0-9a-f]{64}/.test(data.rawQuery) && data.query[0]?.[1] === '1',
      `${adapter}: signQuery`,
      data.rawQuery,
    );
  });
}

await attempt('signRequest + fetch', async () => {
  const request = await signRequest({
    method: 'PUT',
    url: `${base}/blobs/1?tag=x y`,
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array([0, 1, 2, 254, 255]),
    credentials: config.credentials,
    region: 'us-east-1',
  });
  const response = await fetch(request.url, request);
  check(response.status === 200, 'signRequest + fetch', String(response.status));
});
await attempt('presignUrl + fetch', async () => {
  const url = await presignUrl({
    url: `${base}/connect?room=lobby`,
    credentials: config.credentials,
    region: 'us-east-1',
  });
  const response = await fetch(url);
  check(response.status === 200, 'presignUrl + fetch', String(response.status));
});

await attempt('Cognito sign-in, then signed requests with its credentials', async () => {
  const auth = createCognitoAuth({
    region: config.cognito.region,
    userPoolId: config.cognito.userPoolId,
    clientId: config.cognito.clientId,
    identityPoolId: config.cognito.identityPoolId,
    endpoints: { userPool: config.cognito.url, identity: config.cognito.url },
  });
  const result = await auth.signIn(config.cognito.username, config.cognito.password);
  check(
    result.username === config.cognito.username,
    'Cognito sign-in (SRP)',
    JSON.stringify(result),
  );
  for (const adapter of ['http', 'fetch']) {
    const { data } = await client(adapter, { credentials: auth.credentials }).get('/me');
    check(
      data.accessKeyId !== config.credentials.accessKeyId && /^ASIA/.test(data.accessKeyId),
      `${adapter}: signed with the identity pool's credentials`,
      data.accessKeyId,
    );
  }
  auth.signOut();
});

console.log(`smoke: ${failed === 0 ? 'all passed' : `${failed} failed`}`);
if (failed > 0) {
  if (globalThis.Deno) globalThis.Deno.exit(1);
  else globalThis.process.exit(1);
}
