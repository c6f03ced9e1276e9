// npm run test:browser: apig-signer in real Chromium (Debian's, driven by playwright-core).
// Bundles browser/page.ts, serves it on 127.0.0.1, starts the Cognito emulator and a gateway
// with API Gateway's CORS, and checks that every signed request the page makes is accepted with
// the body the page meant, that the console stays clean, that a reload restores the session,
// and that a clock-skewed browser recovers. Leaves screenshots in artifacts/browser/.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { build } from 'esbuild';

import { launchChromium, pageConfig } from './lib/chromium.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startCognitoEmulator, startSigV4Gateway } = await import('apig-signer/testing');

const ARTIFACTS = join(process.cwd(), 'artifacts', 'browser');
let passed = 0;
let failed = 0;
const check = (ok, label, detail = '') => {
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail && !ok ? `: ${detail}` : ''}`);
};

const bundle = await build({
  entryPoints: ['browser/page.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // No `define: { global }`: apig-signer/cognito defines `global` itself (lib/cognito/nodeGlobal.ts).
  write: false,
  logLevel: 'warning',
});
const script = bundle.outputFiles[0].text;
// The plain-http page (browser/insecure.ts), opened from a name that is not localhost.
const insecureBundle = await build({
  entryPoints: ['browser/insecure.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const insecureScript = insecureBundle.outputFiles[0].text;
const INSECURE_HOST = 'app.test';
const html = `<!doctype html><html><head><meta charset="utf-8"><title>apig-signer in Chromium</title>
<link rel="icon" href="data:,"><style>body{font:14px system-ui;margin:2em}td{padding:2px 8px}
.ok td:last-child{color:green}.failed td:last-child{color:#b00}</style></head>
<body><h1>apig-signer in Chromium</h1><main></main><script type="module" src="/page.js"></script></body></html>`;
const pages = createServer((req, res) => {
  if (req.url?.startsWith('/insecure.js')) {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(insecureScript);
  } else if (req.url?.startsWith('/insecure')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html.replace('/page.js', '/insecure.js'));
  } else if (req.url?.startsWith('/page.js')) {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(script);
  } else {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  }
});
await new Promise((resolve) => pages.listen(0, '127.0.0.1', resolve));
const pageUrl = `http://127.0.0.1:${pages.address().port}`;

// Recovery acts only on AWS's own error type, which CORS hides unless the API exposes it.
const gateway = await startSigV4Gateway({
  credentials: [],
  cors: { exposeHeaders: ['x-amzn-ErrorType'] },
});
const user = { username: 'browser-user', password: 'correct horse battery' };
const cognito = await startCognitoEmulator({ users: [user], gateways: [gateway] });
const config = pageConfig(gateway, cognito, user);

const chromiumInstance = await launchChromium('chromium', [
  // A name that is not localhost, on loopback: a page served from it over http is not a
  // secure context (no crypto.subtle), as on a dev box or LAN address.
  `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
]);
const { context } = chromiumInstance;
const consoleErrors = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error' || /refused to set unsafe header/i.test(message.text())) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  const open = async () => {
    await page.goto(`${pageUrl}/?config=${encodeURIComponent(JSON.stringify(config))}`);
    await page
      .waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 15_000 })
      .catch((error) => {
        throw new Error(`the page did not start: ${consoleErrors.join(' | ') || error.message}`);
      });
  };

  // 1. Sign in with SRP and make signed requests through both adapters.
  await open();
  const signedIn = await page.evaluate(() => globalThis.flow.signIn());
  check(signedIn.username === user.username, 'signs in with SRP in the browser');
  for (const row of signedIn.rows)
    check(row.status === 200, `${row.adapter}: ${row.label}`, String(row.status));
  const received = (prefix) =>
    gateway.requests.filter((r) => r.method !== 'OPTIONS' && r.path.startsWith(prefix));
  for (const adapter of ['xhr', 'fetch']) {
    const [get] = received(`/prod/notes/${adapter}`).filter((r) => r.method === 'GET');
    check(
      get?.verdict.accepted &&
        JSON.stringify(get.query) ===
          JSON.stringify([
            ['q', 'two words é'],
            ['tags[]', 'a'],
            ['tags[]', 'b'],
          ]),
      `${adapter}: the gateway received the query the page meant`,
      JSON.stringify(get?.query),
    );
    const [post] = received(`/prod/notes/${adapter}`).filter((r) => r.method === 'POST');
    check(
      post?.verdict.accepted && post.body.toString() === '{"content":"héllo"}',
      `${adapter}: the JSON body arrived as signed`,
    );
    const [put] = received(`/prod/blobs/${adapter}`);
    check(
      put?.verdict.accepted && put.body.equals(Buffer.from([0, 1, 2, 254, 255])),
      `${adapter}: the binary body arrived as signed`,
    );
    const [upload] = received(`/prod/upload/${adapter}`);
    const contentType =
      upload?.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    const form = upload
      ? await new Response(upload.body, { headers: { 'content-type': contentType } }).formData()
      : undefined;
    check(
      upload?.verdict.accepted &&
        form?.get('title') === 'héllo' &&
        (await form?.get('file')?.text()) === 'file body',
      `${adapter}: the FormData upload arrived as signed`,
    );
    const [custom] = received(`/prod/custom/${adapter}`);
    check(
      custom?.verdict.accepted && custom.verdict.signedHeaders?.includes('content-language'),
      `${adapter}: the custom header was signed`,
    );
    check(
      [get, post, put, upload, custom].every((r) =>
        r?.headers.some(
          ([k]) =>
            k.toLowerCase() === 'host' &&
            /:\d+$/.test(r.headers.find(([h]) => h.toLowerCase() === 'host')[1]),
        ),
      ),
      `${adapter}: signed for a non-default port`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'signed-in.png'), fullPage: true });
  check(
    consoleErrors.length === 0,
    'the console shows no errors (no "Refused to set unsafe header")',
    consoleErrors.join(' | '),
  );

  // 2. A reload restores the session from localStorage, without a new sign-in.
  const signInsBefore = cognito.count('InitiateAuth');
  await open();
  const restored = await page.evaluate(() => globalThis.flow.restore());
  check(
    restored.username === user.username && restored.rows[0]?.status === 200,
    'a reload restores the session',
    JSON.stringify(restored),
  );
  check(cognito.count('InitiateAuth') === signInsBefore, 'no new sign-in after the reload');

  // 3. A clock-skewed browser recovers, reading the server time from the error body (CORS
  //    hides the Date header from the page; the API exposes x-amzn-ErrorType).
  gateway.clockOffsetMs = 10 * 60_000;
  const errorsBefore = consoleErrors.length;
  const skew = await page.evaluate(() => globalThis.flow.skew());
  check(skew.rows[0]?.status === 200, 'a clock-skewed browser recovers', JSON.stringify(skew.rows));
  check(
    Math.abs(skew.clockOffsetMs - 600_000) < 3000,
    'the offset is learnt from the error body',
    String(skew.clockOffsetMs),
  );
  const newErrors = consoleErrors.slice(errorsBefore).filter((text) => !/status of 403/.test(text));
  check(
    newErrors.length === 0,
    'no console errors but the expected 403 of the skewed attempt',
    newErrors.join(' | '),
  );

  await page.screenshot({ path: join(ARTIFACTS, 'after-reload.png'), fullPage: true });

  // 4. A page on plain http from a name that is not localhost: no WebCrypto. Signing with
  //    `sha256: Sha256` from @aws-crypto/sha256-universal works; without it, ERR_NO_CRYPTO.
  const insecureConfig = {
    apiUrl: `${gateway.url}/prod`,
    region: cognito.region,
    credentials: { accessKeyId: 'AKIDINSECUREPAGE', secretAccessKey: 'insecure/page+secret' },
  };
  gateway.clockOffsetMs = 0;
  gateway.addCredentials(insecureConfig.credentials);
  const insecurePage = await context.newPage();
  insecurePage.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await insecurePage.goto(
    `http://${INSECURE_HOST}:${pages.address().port}/insecure?config=${encodeURIComponent(JSON.stringify(insecureConfig))}`,
  );
  await insecurePage.waitForSelector('body[data-ready="true"]', {
    state: 'attached',
    timeout: 15_000,
  });
  const context4 = await insecurePage.evaluate(() => globalThis.flow.secure());
  check(
    context4.isSecureContext === false && context4.subtle === 'undefined',
    `http://${INSECURE_HOST} is not a secure context: no crypto.subtle`,
    JSON.stringify(context4),
  );
  const withSha256 = await insecurePage.evaluate(() => globalThis.flow.withSha256());
  const [insecureReceived] = received('/prod/insecure/with-sha256');
  check(
    withSha256.status === 200 &&
      insecureReceived?.verdict.accepted &&
      insecureReceived.body.toString() === '{"content":"héllo"}',
    'http page: signs with sha256 from @aws-crypto/sha256-universal, accepted by the gateway',
    JSON.stringify(withSha256),
  );
  const without = await insecurePage.evaluate(() => globalThis.flow.without());
  check(
    without.name === 'SigningError' &&
      without.code === 'ERR_NO_CRYPTO' &&
      /sha256: Sha256/.test(without.message) &&
      received('/prod/insecure/without').length === 0,
    'http page without sha256: ERR_NO_CRYPTO naming the fix, nothing sent',
    JSON.stringify(without),
  );
  await insecurePage.close();
  console.log('screenshots: artifacts/browser/signed-in.png, artifacts/browser/after-reload.png');
} finally {
  await chromiumInstance.close();
  await cognito.close();
  await gateway.close();
  pages.close();
}
console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
