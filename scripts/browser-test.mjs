// npm run test:browser: apig-signer in real Chromium (Debian's, driven by playwright-core).
// Bundles browser/page.ts, serves it on 127.0.0.1, starts the Cognito emulator and a gateway
// with API Gateway's CORS, and checks that every signed request the page makes is accepted with
// the body the page meant, that the console stays clean, that a reload restores the session,
// that a clock-skewed browser recovers, and that two tabs share the session (sign-in, sign-out,
// one refresh between them), and that a new user gets from sign-up through TOTP MFA to an
// accepted signed call. Leaves screenshots in artifacts/browser/.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { build } from 'esbuild';

import { browserFieldForSources } from './lib/browserField.mjs';
import { checkList } from './lib/checks.mjs';
import { launchChromium, pageConfig } from './lib/chromium.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startCognitoEmulator, startSigV4Gateway } = await import('apig-signer/testing');

const ARTIFACTS = join(process.cwd(), 'artifacts', 'browser');
const { check, summary } = checkList();

const bundle = async (entry) => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // No `define: { global }`: apig-signer/cognito needs no `global` and no `buffer` polyfill.
    write: false,
    logLevel: 'warning',
    plugins: [browserFieldForSources],
  });
  return result.outputFiles[0].text;
};
const script = await bundle('browser/page.ts');
// The plain-http page (browser/insecure.ts), opened from a name that is not localhost.
const insecureScript = await bundle('browser/insecure.ts');
// The two-tab page (browser/tabs.ts), opened in two tabs.
const tabsScript = await bundle('browser/tabs.ts');
// The account page (browser/account.ts): sign-up to TOTP MFA.
const accountScript = await bundle('browser/account.ts');
const INSECURE_HOST = 'app.test';
const html = `<!doctype html><html><head><meta charset="utf-8"><title>apig-signer in Chromium</title>
<link rel="icon" href="data:,"><style>body{font:14px system-ui;margin:2em}td{padding:2px 8px}
.ok td:last-child{color:green}.failed td:last-child{color:#b00}</style></head>
<body><h1>apig-signer in Chromium</h1><main></main><script type="module" src="/page.js"></script></body></html>`;
const pages = createServer((req, res) => {
  if (req.url?.startsWith('/account.js')) {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(accountScript);
  } else if (req.url?.startsWith('/account')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html.replace('/page.js', '/account.js'));
  } else if (req.url?.startsWith('/tabs.js')) {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(tabsScript);
  } else if (req.url?.startsWith('/tabs')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html.replace('/page.js', '/tabs.js'));
  } else if (req.url?.startsWith('/insecure.js')) {
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
// The two tabs get a pool of their own (its own storage keys and identity ids) with tokens that
// live a few seconds, so that a refresh falls due during the run.
const TAB_TOKEN_SECONDS = 3;
const tabsCognito = await startCognitoEmulator({
  users: [user],
  gateways: [gateway],
  clientId: 'twotabsappclient00000000000',
  identityPoolId: `${cognito.region}:00000000-0000-4000-8000-000000000002`,
  tokenLifetimeSeconds: TAB_TOKEN_SECONDS,
});
// The account page gets a pool of its own with nobody in it: the user it signs up is new.
const accountCognito = await startCognitoEmulator({
  gateways: [gateway],
  clientId: 'signupappclient000000000000',
  identityPoolId: `${cognito.region}:00000000-0000-4000-8000-000000000003`,
});

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

  // 5. Two tabs of one origin (one browser context, so one localStorage), each with its own
  //    createCognitoAuth(): storage is the source of truth, the `storage` event tells the other
  //    tab at once, and a refresh due in both tabs happens once (the lease in storage).
  const tabErrors = [];
  const tabsUrl = `${pageUrl}/tabs?config=${encodeURIComponent(JSON.stringify(pageConfig(gateway, tabsCognito, user)))}`;
  const openTab = async () => {
    const tab = await context.newPage();
    tab.on('console', (message) => {
      if (message.type() === 'error') tabErrors.push(message.text());
    });
    tab.on('pageerror', (error) => tabErrors.push(`pageerror: ${error.message}`));
    await tab.goto(tabsUrl);
    await tab.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 15_000 });
    return tab;
  };
  const tabA = await openTab();
  const tabB = await openTab();
  const reached = (path) => gateway.requests.filter((r) => r.path === `/prod/tabs/${path}`);
  const accepted = (path) => reached(path).some((r) => r.method === 'GET' && r.verdict.accepted);

  // 5.1 Tab A signs in; tab B, open and signed out, hears of it and signs with that session.
  const bBefore = await tabB.evaluate(() => globalThis.flow.username());
  await tabA.evaluate(() => globalThis.flow.signIn());
  const aSignedIn = await tabA.evaluate(() => globalThis.flow.request('a-signed-in'));
  const bHeard = await tabB.evaluate(() => globalThis.flow.waitForSignInOrOut(5000));
  const bRequest = await tabB.evaluate(() => globalThis.flow.request('b-after-a-signed-in'));
  const bAfter = await tabB.evaluate(() => globalThis.flow.username());
  check(
    aSignedIn.status === 200 && accepted('a-signed-in'),
    'tabs: tab A signs in and its request is accepted',
    JSON.stringify(aSignedIn),
  );
  check(
    bBefore === null && bHeard,
    "tabs: tab B (signed out) gets a storage event for tab A's sign-in",
    JSON.stringify({ bBefore, bHeard }),
  );
  check(
    bRequest.status === 200 &&
      accepted('b-after-a-signed-in') &&
      bAfter === user.username &&
      tabsCognito.count('InitiateAuth') === 1,
    "tabs: tab B signs with tab A's session, accepted by the gateway, no sign-in of its own (1 InitiateAuth in all)",
    JSON.stringify({ bRequest, bAfter, initiateAuth: tabsCognito.count('InitiateAuth') }),
  );

  // 5.2 Tab B signs out; tab A (credentials cached) hears of it and its next request fails
  //     before anything is sent.
  await tabA.evaluate(() => globalThis.flow.forgetStorageEvents());
  await tabB.evaluate(() => globalThis.flow.signOut());
  const aHeard = await tabA.evaluate(() => globalThis.flow.waitForSignInOrOut(5000));
  const aAfterSignOut = await tabA.evaluate(() => globalThis.flow.request('a-after-b-signed-out'));
  check(
    aHeard &&
      aAfterSignOut.name === 'NotSignedInError' &&
      aAfterSignOut.code === 'ERR_NOT_SIGNED_IN' &&
      reached('a-after-b-signed-out').length === 0,
    "tabs: after tab B's sign-out, tab A's next request fails with ERR_NOT_SIGNED_IN and nothing reaches the gateway",
    JSON.stringify({ aHeard, aAfterSignOut, reached: reached('a-after-b-signed-out').length }),
  );

  // 5.3 Both tabs on one session whose ID token is due for a refresh, sending at the same
  //     instant: one REFRESH_TOKEN_AUTH, both requests accepted. Due from half the lifetime on;
  //     tab B reads the clock drift from storage in whole seconds (as amazon-cognito-identity-js
  //     stores it), so it may see the token fresh for up to 0.5 s longer than tab A does.
  await tabB.evaluate(() => globalThis.flow.forgetStorageEvents());
  await tabA.evaluate(() => globalThis.flow.signIn());
  const issuedAt = Date.now();
  const bHeardAgain = await tabB.evaluate(() => globalThis.flow.waitForSignInOrOut(5000));
  await new Promise((resolve) => {
    setTimeout(resolve, issuedAt + TAB_TOKEN_SECONDS * 500 + 750 - Date.now());
  });
  const callsBefore = tabsCognito.calls.length;
  const at = Date.now() + 100;
  const [aDue, bDue] = await Promise.all([
    tabA.evaluate((start) => globalThis.flow.requestAt(start, 'a-refresh-due'), at),
    tabB.evaluate((start) => globalThis.flow.requestAt(start, 'b-refresh-due'), at),
  ]);
  const dueCalls = tabsCognito.calls
    .slice(callsBefore)
    .map((call) => `${call.operation}${call.detail ? `:${call.detail}` : ''}`);
  const refreshes = dueCalls.filter((call) => call === 'InitiateAuth:REFRESH_TOKEN_AUTH').length;
  // Each tab fetches credentials once (the sign-in dropped them); a tab that waited for the
  // refresh fetches them after it, so both did need it.
  const bothWaited =
    dueCalls.filter((call) => call === 'GetCredentialsForIdentity').length === 2 &&
    dueCalls.indexOf('GetCredentialsForIdentity') >
      dueCalls.indexOf('InitiateAuth:REFRESH_TOKEN_AUTH');
  check(
    bHeardAgain &&
      aDue.status === 200 &&
      bDue.status === 200 &&
      accepted('a-refresh-due') &&
      accepted('b-refresh-due'),
    'tabs: both tabs, sending together with the ID token due, are accepted by the gateway',
    JSON.stringify({ bHeardAgain, aDue, bDue }),
  );
  check(
    refreshes === 1 && bothWaited && Math.abs(aDue.startedAt - bDue.startedAt) < 50,
    'tabs: one refresh (REFRESH_TOKEN_AUTH) for both tabs, both waited for it: the lease in storage',
    JSON.stringify({ dueCalls, startedApartMs: aDue.startedAt - bDue.startedAt }),
  );
  check(tabErrors.length === 0, 'tabs: the console shows no errors', tabErrors.join(' | '));
  await tabA.close();
  await tabB.close();

  // 6. A new user's way in (issue 23): sign-up, confirm with the emailed code, sign-in, TOTP
  //    set-up, TOTP preferred, sign-out, sign-in answering SOFTWARE_TOKEN_MFA, a signed call.
  //    The page runs apig-signer/cognito; Node reads what a user would read elsewhere (the
  //    email's code, the authenticator app's codes) from the emulator and hands it in.
  const newUser = { username: 'browser-newcomer', password: 'new user in chromium' };
  const accountErrors = [];
  const account = await context.newPage();
  account.on('console', (message) => {
    if (message.type() === 'error') accountErrors.push(message.text());
  });
  account.on('pageerror', (error) => accountErrors.push(`pageerror: ${error.message}`));
  await account.goto(
    `${pageUrl}/account?config=${encodeURIComponent(JSON.stringify(pageConfig(gateway, accountCognito, newUser)))}`,
  );
  await account.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 15_000 });
  const stepOf = (name, arg) => account.evaluate(([n, a]) => globalThis.flow[n](a), [name, arg]);
  const stored = () => accountCognito.user(newUser.username);
  const reachedAccount = (path) =>
    gateway.requests.filter((r) => r.method === 'POST' && r.path === `/prod/account/${path}`);

  const signedUp = await stepOf('signUp');
  const signUpCode = accountCognito.lastCode(newUser.username, 'SignUp');
  check(
    signedUp.userConfirmed === false &&
      signedUp.userSub === stored()?.sub &&
      signedUp.codeDelivery?.medium === 'EMAIL' &&
      /^\d{6}$/.test(signUpCode ?? '') &&
      stored()?.confirmed === false,
    'account: signs up a new user (unconfirmed, a code emailed)',
    JSON.stringify({ signedUp, signUpCode }),
  );
  // A wrong code first: refused with a typed error, the user stays unconfirmed. Its 400 is the
  // one console error the page may show.
  const wrongCode = String((Number(signUpCode) + 1) % 1_000_000).padStart(6, '0');
  const errorsBeforeWrongCode = accountErrors.length;
  const refused = await stepOf('confirmSignUp', wrongCode);
  const wrongCodeErrors = accountErrors.splice(errorsBeforeWrongCode);
  check(
    refused.error?.code === 'ERR_CODE_MISMATCH' &&
      stored()?.confirmed === false &&
      wrongCodeErrors.length === 1 &&
      /status of 400/.test(wrongCodeErrors[0]),
    'account: a wrong confirmation code is ERR_CODE_MISMATCH, the user stays unconfirmed',
    JSON.stringify({ refused, wrongCodeErrors }),
  );
  const confirmed = await stepOf('confirmSignUp', signUpCode);
  check(
    confirmed.confirmed === true &&
      stored()?.confirmed === true &&
      stored()?.verifiedAttributes.includes('email'),
    'account: confirms sign-up with the emailed code (email verified)',
    JSON.stringify(confirmed),
  );
  const firstSignIn = await stepOf('signIn');
  check(
    firstSignIn.challenge === null && firstSignIn.username === newUser.username,
    'account: the new user signs in (SRP, no MFA yet)',
    JSON.stringify(firstSignIn),
  );
  const totp = await stepOf('setUpTotp');
  check(
    /^[A-Z2-7]{16,}$/.test(totp.secret ?? '') &&
      totp.secret === stored()?.totpSecret &&
      totp.uri?.startsWith('otpauth://totp/') &&
      new URL(totp.uri).searchParams.get('secret') === totp.secret,
    'account: sets up TOTP (the secret the pool associated, and its otpauth:// URI)',
    JSON.stringify(totp),
  );
  const verified = await stepOf('verifyTotp', accountCognito.totpCode(totp.secret));
  check(
    verified.verified === true && stored()?.mfaEnabled.includes('SOFTWARE_TOKEN_MFA'),
    "account: verifies TOTP with the authenticator's code (TOTP enabled)",
    JSON.stringify(verified),
  );
  const preferred = await stepOf('preferTotp');
  check(
    preferred.preferred === true && stored()?.mfaPreferred === 'SOFTWARE_TOKEN_MFA',
    'account: sets TOTP as the preferred MFA method',
    JSON.stringify(preferred),
  );
  const signedOut = await stepOf('signOut');
  const mfaSignIn = await stepOf('signIn');
  check(
    signedOut.username === null &&
      mfaSignIn.challenge === 'SOFTWARE_TOKEN_MFA' &&
      mfaSignIn.username === null,
    'account: after sign-out, signing in asks for SOFTWARE_TOKEN_MFA (not yet signed in)',
    JSON.stringify({ signedOut, mfaSignIn }),
  );
  const answered = await stepOf('answerMfa', accountCognito.totpCode(totp.secret));
  check(
    answered.challenge === null &&
      answered.username === newUser.username &&
      accountCognito.count('RespondToAuthChallenge', 'SOFTWARE_TOKEN_MFA') === 1,
    'account: answers SOFTWARE_TOKEN_MFA with a fresh TOTP code and is signed in',
    JSON.stringify(answered),
  );
  const call = await stepOf('call', 'after-mfa');
  const [callReceived] = reachedAccount('after-mfa');
  check(
    call.status === 200 &&
      callReceived?.verdict.accepted &&
      callReceived.body.toString() === '{"step":"after-mfa"}',
    "account: the new user's signed API call is accepted by the gateway (200, the body as signed)",
    JSON.stringify({ call, verdict: callReceived?.verdict }),
  );
  await account.screenshot({ path: join(ARTIFACTS, 'account.png'), fullPage: true });
  check(
    accountErrors.length === 0,
    "account: the console shows no errors but the wrong code's 400",
    accountErrors.join(' | '),
  );
  await account.close();
  console.log('screenshots: artifacts/browser/signed-in.png, artifacts/browser/after-reload.png');
} finally {
  await chromiumInstance.close();
  await cognito.close();
  await tabsCognito.close();
  await accountCognito.close();
  await gateway.close();
  pages.close();
}
process.exitCode = summary('browser') ? 0 : 1;
