// npm run test:runtimes: the e2e smoke (scripts/runtime-smoke.mjs) in every runtime axios runs
// on: the Node running this script, the oldest Node 20 that `engines` admits, Node 22 and 24, Bun
// and Deno (binaries from npm packages, see scripts/runtimes.mjs). The gateway and the Cognito
// emulator run here, in this Node, from the built `apig-signer/testing`: the runtime under test
// is only the client, as in an app. A runtime passes when its smoke reports no failure AND the
// gateway accepted every signature it received from that runtime. Run after `npm run build`.
import { spawn } from 'node:child_process';

import { installRuntimes } from './runtimes.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startCognitoEmulator, startSigV4Gateway } = await import('apig-signer/testing');

const CREDENTIALS = { accessKeyId: 'AKIDRUNTIMES', secretAccessKey: 'runtimes/secret+KEY' };
const USER = { username: 'runtime-user', password: 'correct horse battery' };
const SMOKE = 'scripts/runtime-smoke.mjs';
const TIMEOUT_MS = 120_000;

/** How each kind of runtime runs the smoke script. */
function commandFor(runtime) {
  if (runtime.name === 'deno') {
    // Deno reads a checkout's node_modules only with --node-modules-dir=manual.
    return [runtime.binary, ['run', '--allow-all', '--node-modules-dir=manual', SMOKE]];
  }
  if (runtime.name === 'bun') return [runtime.binary, ['run', SMOKE]];
  return [runtime.binary, [SMOKE]];
}

function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, output });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 'spawn-error', output: String(error) });
    });
  });
}

const runtimes = [
  { name: `node-${process.versions.node} (host)`, binary: process.execPath },
  ...installRuntimes(),
];
const gateway = await startSigV4Gateway({ credentials: [CREDENTIALS] });
const cognito = await startCognitoEmulator({ users: [USER], gateways: [gateway] });
const summary = [];
try {
  for (const [index, runtime] of runtimes.entries()) {
    const runId = `r${index}`;
    const started = Date.now();
    const [command, args] = commandFor(runtime);
    const { code, output } = await run(command, args, {
      APIG_SMOKE: JSON.stringify({
        run: runId,
        gatewayUrl: gateway.url,
        credentials: CREDENTIALS,
        cognito: {
          url: cognito.url,
          region: cognito.region,
          userPoolId: cognito.userPoolId,
          clientId: cognito.clientId,
          identityPoolId: cognito.identityPoolId,
          ...USER,
        },
      }),
    });
    const received = gateway.requests.filter((r) => r.path.startsWith(`/prod/${runId}/`));
    const refused = received.filter((r) => !r.verdict.accepted);
    const checks = output.split('\n').filter((line) => /^(ok {2}|FAIL) /.test(line));
    const ok =
      code === 0 &&
      checks.length > 0 &&
      !checks.some((l) => l.startsWith('FAIL')) &&
      refused.length === 0 &&
      received.length > 0;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`\n=== ${runtime.name}: ${ok ? 'passed' : 'FAILED'} (${seconds} s)`);
    console.log(output.trimEnd().replace(/^/gm, '  '));
    console.log(
      `  gateway: ${received.length} signed requests from this runtime, ${refused.length} refused`,
    );
    for (const r of refused) console.log(`    refused ${r.method} ${r.path}: ${r.verdict.message}`);
    summary.push({ name: runtime.name, ok, checks: checks.length });
  }
} finally {
  await cognito.close();
  await gateway.close();
}
const failed = summary.filter((s) => !s.ok);
console.log(
  `\nruntimes: ${summary.length - failed.length} passed, ${failed.length} failed` +
    (failed.length > 0 ? ` (${failed.map((s) => s.name).join(', ')})` : ''),
);
process.exitCode = failed.length === 0 ? 0 : 1;
