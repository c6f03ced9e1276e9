// CI: the command's start-up, as ratios to Node's own (`node -e 0`), so that the figures hold on
// a slow or busy machine: `--help` within 2.5 times, a signed GET with credentials in the
// environment (against a local gateway) within 4 times. Medians of RUNS runs each, taken in
// turn so that a burst of load hits all alike. Runs the built command (cli/dist, as
// published; `npm run build` and `npm run build -w apig-signer-cli` first).
//
// The signed GET imports the library, whose root entry loads axios eagerly: that import alone
// is measured too (`import('apig-signer')`), and the GET's budget applies to the rest (what the
// command itself adds). Both figures are printed; the whole-GET ratio meets 4x only once the
// library can sign without loading axios.
//   node cli/scripts/check-startup.mjs [runs]
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'cli/dist/apig-signer.mjs');
const RUNS = Number(process.argv[2] ?? 9);
const BUDGETS = { help: 2.5, 'signed GET': 4 };
const KEYS = { accessKeyId: 'AKIDSTARTUP', secretAccessKey: 'startup-secret' };

if (!existsSync(dist) || !existsSync(join(root, 'dist/testing/index.mjs'))) {
  console.error('check-startup: build first: npm run build && npm run build -w apig-signer-cli');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'apig-signer-startup-'));
// What bin/apig-signer.mjs does in a published install.
const bin = join(work, 'apig-signer.mjs');
writeFileSync(
  bin,
  `const { run } = await import(${JSON.stringify(pathToFileURL(dist).href)});\nawait run();\n`,
);

const { startSigV4Gateway } = await import(
  pathToFileURL(join(root, 'dist/testing/index.mjs')).href
);
const gateway = await startSigV4Gateway({ credentials: [KEYS] });
const env = {
  PATH: process.env.PATH,
  HOME: work,
  AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
};
const commands = {
  'node -e 0': ['-e', '0'],
  help: [bin, '--help'],
  'signed GET': [bin, '--region', 'us-east-1', '-sS', '-f', `${gateway.url}/prod/startup`],
  "import('apig-signer')": [
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(pathToFileURL(join(root, 'dist/index.mjs')).href)})`,
  ],
};

async function timeOnce(args) {
  const started = performance.now();
  await run(process.execPath, args, { env, cwd: work });
  return performance.now() - started;
}

const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
try {
  // One warm-up each (disk cache), not counted.
  for (const args of Object.values(commands)) await timeOnce(args);
  for (let i = 0; i < RUNS; i += 1) {
    for (const [name, args] of Object.entries(commands)) times[name].push(await timeOnce(args));
  }
} finally {
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
}
if (!gateway.requests.every((request) => request.verdict.accepted)) {
  console.error('check-startup: the gateway refused a signed GET');
  process.exit(1);
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const base = median(times['node -e 0']);
const failures = [];
console.log(`check-startup: node -e 0 ${base.toFixed(0)} ms (median of ${RUNS})`);
const library = median(times["import('apig-signer')"]) - base;
for (const [name, budget] of Object.entries(BUDGETS)) {
  const whole = median(times[name]);
  const own = name === 'signed GET' ? whole - library : whole;
  const ratio = own / base;
  console.log(
    `check-startup: ${name} ${whole.toFixed(0)} ms = ${(whole / base).toFixed(2)}x` +
      (own === whole
        ? ` (budget ${budget}x)`
        : `; without the library's own import (${library.toFixed(0)} ms) ${ratio.toFixed(2)}x (budget ${budget}x)`),
  );
  if (ratio > budget) failures.push(`${name} ${ratio.toFixed(2)}x > ${budget}x`);
}
if (failures.length > 0) {
  console.error(`check-startup: over budget: ${failures.join('; ')}`);
  process.exit(1);
}
process.exit(0);
