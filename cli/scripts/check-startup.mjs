// CI: the command's start-up, as ratios to Node's own (`node -e 0`), so that the figures hold on
// a slow or busy machine: `--help` within 2.5 times, a signed GET with credentials in the
// environment (against a local gateway, every call checked by its verifier) within 4 times.
// Medians of RUNS runs each, taken in turn so that a burst of load hits all alike. Runs the built
// command as published (bin/apig-signer.cjs → dist/launch.cjs, which picks the one-file build
// when it carries the installed library; `npm run build` and `npm run build -w apig-signer-cli`
// first), with a cache directory of its own: the warm-up run writes the code cache, as a user's
// first request does.
//
// Printed beside, not budgeted: the GET with no code cache (a user's first request, or
// NODE_DISABLE_COMPILE_CACHE), and the library's own import (`import('apig-signer')`, which
// loads axios: most of what the GET costs above Node's start).
//   node cli/scripts/check-startup.mjs [runs]
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'cli/dist');
const RUNS = Number(process.argv[2] ?? 9);
const BUDGETS = { help: 2.5, 'signed GET': 4 };
const KEYS = { accessKeyId: 'AKIDSTARTUP', secretAccessKey: 'startup-secret' };

if (!existsSync(join(dist, 'launch.cjs')) || !existsSync(join(root, 'dist/testing/index.mjs'))) {
  console.error('check-startup: build first: npm run build && npm run build -w apig-signer-cli');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'apig-signer-startup-'));
// What bin/apig-signer.cjs does in a published install (there, dist/ is beside it).
const bin = join(work, 'apig-signer.cjs');
writeFileSync(
  bin,
  `void require(${JSON.stringify(join(dist, 'launch.cjs'))}).launch(${JSON.stringify(`${dist}/`)});\n`,
);
const { chooseBuild } = createRequire(import.meta.url)(join(dist, 'launch.cjs'));
const build = chooseBuild(`${dist}/`, ['--region', 'us-east-1', 'https://api.example.com/']);
if (build.kind !== 'one-file') {
  console.error(`check-startup: the launcher would run the modules build: ${build.reason}`);
  process.exit(1);
}

const { startSigV4Gateway } = await import(
  pathToFileURL(join(root, 'dist/testing/index.mjs')).href
);
const gateway = await startSigV4Gateway({ credentials: [KEYS] });
const env = {
  PATH: process.env.PATH,
  HOME: work,
  XDG_CACHE_HOME: join(work, 'cache'),
  AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
};
const getArgs = [bin, '--region', 'us-east-1', '-sS', '-f', `${gateway.url}/prod/startup`];
const commands = {
  'node -e 0': ['-e', '0'],
  help: [bin, '--help'],
  'signed GET': getArgs,
  'signed GET, no code cache': getArgs,
  "import('apig-signer')": [
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(pathToFileURL(join(root, 'dist/index.mjs')).href)})`,
  ],
};

const ENV = {
  'signed GET, no code cache': { ...env, NODE_DISABLE_COMPILE_CACHE: '1' },
};

async function timeOnce(name) {
  const started = performance.now();
  await run(process.execPath, commands[name], { env: ENV[name] ?? env, cwd: work });
  return performance.now() - started;
}

let cacheFiles;
const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
try {
  // One warm-up each (disk cache), not counted.
  for (const name of Object.keys(commands)) await timeOnce(name);
  for (let i = 0; i < RUNS; i += 1) {
    for (const name of Object.keys(commands)) times[name].push(await timeOnce(name));
  }
  cacheFiles = readdirSync(join(work, 'cache/apig-signer/code-cache'));
} finally {
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
}
const signedCalls = (RUNS + 1) * 2;
if (
  gateway.requests.length !== signedCalls ||
  !gateway.requests.every((request) => request.verdict.accepted)
) {
  console.error(
    `check-startup: the gateway accepted ${gateway.requests.filter((request) => request.verdict.accepted).length} of ${gateway.requests.length} calls; ${signedCalls} signed GETs were expected`,
  );
  process.exit(1);
}
if (cacheFiles.length !== 1) {
  console.error(`check-startup: the GET left ${cacheFiles.length} code cache files, not one`);
  process.exit(1);
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const base = median(times['node -e 0']);
const failures = [];
const ratio = (name) => median(times[name]) / base;
const line = (name) => `${name} ${median(times[name]).toFixed(0)} ms = ${ratio(name).toFixed(2)}x`;
console.log(`check-startup: node -e 0 ${base.toFixed(0)} ms (median of ${RUNS})`);
for (const [name, budget] of Object.entries(BUDGETS)) {
  console.log(`check-startup: ${line(name)} (budget ${budget}x)`);
  if (ratio(name) > budget) failures.push(`${name} ${ratio(name).toFixed(2)}x > ${budget}x`);
}
console.log(`check-startup: ${line('signed GET, no code cache')} (a first run; no budget)`);
const library = median(times["import('apig-signer')"]) - base;
console.log(
  `check-startup: import('apig-signer') alone takes ${library.toFixed(0)} ms above node -e 0 (${(library / base).toFixed(2)}x; it loads axios)`,
);
if (failures.length > 0) {
  console.error(`check-startup: over budget: ${failures.join('; ')}`);
  process.exit(1);
}
process.exit(0);
