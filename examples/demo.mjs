// npm run demo: the whole flow, offline, against the Cognito emulator and the SigV4 gateway
// from apig-signer/testing. With APIG_URL, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID,
// COGNITO_IDENTITY_POOL_ID, COGNITO_USERNAME and COGNITO_PASSWORD set, the same script runs
// against a real deployment; COGNITO_ENDPOINT sends the Cognito calls elsewhere (the emulator of
// `apig-signer sandbox`, which prints all seven). It exits 0 only when every step succeeded.
// The AWS SDK warns once per process that its releases after January 2027 need Node 22; the
// lockfile pins a release that runs here, so keep the transcript readable (what the warning
// means for an app: docs/cognito.md, "The AWS SDK's Node.js version warning").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { execFile } = await import('node:child_process');
const { startCognitoEmulator, startSigV4Gateway } = await import('apig-signer/testing');
const { createNotesClient } = await import('./notes-client.mjs');

const env = process.env;
const LIVE_VARIABLES = [
  'APIG_URL',
  'COGNITO_USER_POOL_ID',
  'COGNITO_CLIENT_ID',
  'COGNITO_IDENTITY_POOL_ID',
  'COGNITO_USERNAME',
  'COGNITO_PASSWORD',
];
const live = LIVE_VARIABLES.every((name) => env[name]);

let failures = 0;
const say = (line) => console.log(line);
const ok = (line) => say(`  ✓ ${line}`);
const fail = (line) => {
  failures += 1;
  say(`  ✗ ${line}`);
};
const step = (title) => say(`\n${title}`);

let gateway;
let cognito;
let config;
let username;
let password;
if (live) {
  const region = env.COGNITO_USER_POOL_ID.split('_')[0];
  const endpoint = env.COGNITO_ENDPOINT;
  const api = new URL(env.APIG_URL);
  config = {
    apiUrl: env.APIG_URL,
    region,
    userPoolId: env.COGNITO_USER_POOL_ID,
    clientId: env.COGNITO_CLIENT_ID,
    identityPoolId: env.COGNITO_IDENTITY_POOL_ID,
    ...(endpoint ? { endpoints: { userPool: endpoint, identity: endpoint } } : {}),
    // An AWS endpoint host (*.execute-api.{region}.amazonaws.com) is signed by default, for the
    // region in its name; any other (a custom domain, the sandbox's 127.0.0.1) is named, and
    // signed for the user pool's region.
    ...(/\.(amazonaws\.com(\.cn)?|on\.aws)$/.test(api.hostname) ? {} : { hosts: [api.host] }),
  };
  username = env.COGNITO_USERNAME;
  password = env.COGNITO_PASSWORD;
  say(`apig-signer demo against ${env.APIG_URL} (live)`);
} else {
  username = 'demo';
  password = 'correct horse battery';
  gateway = await startSigV4Gateway({ credentials: [] });
  cognito = await startCognitoEmulator({ users: [{ username, password }], gateways: [gateway] });
  config = {
    apiUrl: `${gateway.url}/prod`,
    region: cognito.region,
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    identityPoolId: cognito.identityPoolId,
    endpoints: { userPool: cognito.url, identity: cognito.url },
    hosts: ['127.0.0.1'],
  };
  say('apig-signer demo, offline: a Cognito emulator and an API Gateway stand-in on 127.0.0.1');
  say(
    `  user pool ${cognito.userPoolId}, identity pool ${cognito.identityPoolId}, API ${config.apiUrl}`,
  );
}

const { auth, api, signer } = createNotesClient(config);
say('  the app code: examples/notes-client.mjs (createNotesClient); this script only drives it');

/** What the gateway said about the requests since `from` (offline), or the HTTP status (live). */
function verdicts(from, status) {
  if (!gateway) return `HTTP ${status}`;
  return gateway.requests
    .slice(from)
    .map((r) =>
      r.verdict.accepted
        ? 'accepted'
        : `refused (${r.verdict.errorType}: ${r.verdict.message.split('\n')[0]})`,
    )
    .join(', then ');
}

async function call(label, run) {
  const from = gateway?.requests.length ?? 0;
  try {
    const response = await run();
    ok(`${label}: HTTP ${response.status}; gateway: ${verdicts(from, response.status)}`);
    return response;
  } catch (error) {
    fail(`${label}: ${error.name}: ${error.message.split('\n')[0]}`);
    return undefined;
  }
}

/** The gateway's echo (offline) as method, path and body; otherwise the start of the answer. */
function describeAnswer(stdout) {
  try {
    const echo = JSON.parse(stdout);
    if (typeof echo.body === 'string' && typeof echo.method === 'string') {
      return `the gateway's echo of ${echo.method} ${echo.path} ${Buffer.from(echo.body, 'base64')}`;
    }
  } catch {
    // Not the echo: show the answer as it came.
  }
  const text = stdout.trim();
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** Runs `apig-signer` (the apig-signer-cli workspace) as a user would, the password in its env. */
async function commandLine() {
  const from = gateway?.requests.length ?? 0;
  const args = [
    new URL('../cli/bin/apig-signer.mjs', import.meta.url).pathname,
    '--user-pool-id',
    config.userPoolId,
    '--client-id',
    config.clientId,
    '--identity-pool-id',
    config.identityPoolId,
    '--username',
    username,
    // Offline, the emulator is new each run: a session kept on disk would outlive its pool.
    ...(live
      ? [
          ...(config.endpoints ? ['--cognito-endpoint', config.endpoints.userPool] : []),
          ...(config.hosts ? ['--region', config.region] : []),
        ]
      : ['--cognito-endpoint', cognito.url, '--region', cognito.region, '--no-session-cache']),
    '--fail',
    '--json',
    '{"content":"from the command line"}',
    `${config.apiUrl}/notes`,
  ];
  const shown = `apig-signer --username ${username} --fail --json '{"content":"from the command line"}' …/notes`;
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: { ...env, APIG_SIGNER_PASSWORD: password }, encoding: 'utf8' },
      (error, out, err) =>
        resolve({ code: error ? (error.code ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
  if (code === 0) {
    ok(`${shown}: exit 0; gateway: ${verdicts(from, 200)}`);
    say(`    stdout: ${describeAnswer(stdout)}`);
  } else {
    fail(`${shown}: exit ${code}: ${stderr.trim().split('\n')[0]}`);
  }
}

try {
  step('1. Sign in to the user pool (SRP: the password never leaves the device)');
  const result = await auth.signIn(username, password);
  if (result.challenge) fail(`Cognito asked for ${result.challenge.name}; answer it in your app`);
  else ok(`signed in as ${auth.username}`);

  step('2. Signed API calls with identity-pool credentials');
  await call('GET /notes?q=two words&tags[]=a&tags[]=b', () =>
    api.get('/notes', { params: { q: 'two words', tags: ['a', 'b'] } }),
  );
  await call('POST /notes {"content":"héllo"}', () => api.post('/notes', { content: 'héllo' }));
  await call('PUT /notes/1 (binary)', () =>
    api.put('/notes/1', new Uint8Array([0, 1, 2, 254, 255]), {
      headers: { 'Content-Type': 'application/octet-stream' },
    }),
  );
  await call('DELETE /notes/1', () => api.delete('/notes/1'));

  if (!live) {
    step('3. The device clock is 10 minutes slow');
    gateway.clockOffsetMs = 10 * 60_000;
    await call('GET /notes', () => api.get('/notes'));
    say(
      "    In plain words: the request said it was made 10 minutes before the gateway's own time,\n" +
        "    and AWS refuses requests more than 5 minutes off. The signer read the gateway's time\n" +
        '    from the refusal and signed the request again with the corrected time.',
    );
    const learnt = Math.round(signer.clockOffsetMs / 1000);
    if (Math.abs(learnt - 600) <= 2)
      ok(`clock correction learnt: ${learnt} s, kept for later requests`);
    else fail(`clock correction learnt: ${learnt} s (expected about 600 s)`);
    await call('GET /notes again (right the first time)', () => api.get('/notes'));

    step('4. The credentials expire early (revoked by the server)');
    const current = await auth.credentials();
    gateway.addCredentials({ ...current, expiration: new Date(0) });
    const before = cognito.count('GetCredentialsForIdentity');
    await call('GET /notes', () => api.get('/notes'));
    const fetched = cognito.count('GetCredentialsForIdentity') - before;
    if (fetched === 1) ok('fresh credentials fetched once from the identity pool');
    else fail(`fresh credentials fetched ${fetched} times (expected 1)`);
  }

  step(`${live ? '3' : '5'}. Sign out`);
  auth.signOut();
  try {
    await api.get('/notes');
    fail('a request after sign-out was sent');
  } catch (error) {
    if (error.name === 'NotSignedInError')
      ok(`a request after sign-out is refused before sending: ${error.code}`);
    else fail(`unexpected error after sign-out: ${error.name}`);
  }

  step(`${live ? '4' : '6'}. The same API from the command line (apig-signer, as a Cognito user)`);
  await commandLine();

  if (!live) {
    step('Cognito calls');
    const byOperation = new Map();
    for (const c of cognito.calls) {
      const key = `${c.operation}${c.detail ? ` (${c.detail})` : ''}`;
      byOperation.set(key, (byOperation.get(key) ?? 0) + 1);
    }
    for (const [operation, count] of byOperation) say(`  ${count} × ${operation}`);
    const accepted = gateway.requests.filter((r) => r.verdict.accepted).length;
    say(
      `  gateway: ${accepted} of ${gateway.requests.length} requests accepted (the refusals above were recovered)`,
    );
  }
} catch (error) {
  fail(`${error.name}: ${error.message}`);
} finally {
  await cognito?.close();
  await gateway?.close();
}

say(failures === 0 ? '\nAll steps succeeded.' : `\n${failures} step(s) failed.`);
process.exitCode = failures === 0 ? 0 : 1;
