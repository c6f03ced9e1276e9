// npm run bench: the per-request cost of signing, measured in one process and one run against
// bare axios, aws4-axios and a direct @smithy/signature-v4 sign() of the same request.
// Contenders are interleaved (the order rotates every round) so machine noise hits them alike.
// Each workload warms up, then runs many short rounds: a shared machine's speed moves from one
// second to the next, so the ratios are taken within each round, between contenders measured
// back to back, and the median of those is reported with the middle half of them.
//   node --expose-gc bench/run.mjs           the full run (figures for bench/README.md)
//   node --expose-gc bench/run.mjs --quick   a short run that checks the harness works (CI)
import os from 'node:os';

import { apigSigner } from 'apig-signer';

import {
  CREDENTIALS,
  client,
  clients,
  quantile,
  smithySend,
  time,
  workloads,
} from './workloads.mjs';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 3 : 36;
const SCALE = QUICK ? 0.2 : 1; // of each workload's requests per round

const median = (values) => quantile(values, 0.5);
const fmt = (us) =>
  us === undefined ? 'n/a' : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;

console.log(`apig-signer benchmark${QUICK ? ' (quick: checks the harness, not figures)' : ''}`);
console.log(
  `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'} (${os.cpus().length} cores), ${os.platform()} ${os.arch()}`,
);
console.log(
  'targets: apigSigner overhead <= 0.5x aws4-axios overhead; <= 1.5x a bare smithy sign()\n',
);

let missed = 0;
for (const w of workloads) {
  const iterations = Math.max(3, Math.round(w.iterations * SCALE));
  const per = w.batch ?? 1;
  const runs = {
    ...Object.fromEntries(Object.entries(clients).map(([name, c]) => [name, () => w.send(c)])),
    'smithy sign()': smithySend(w),
  };
  const failed = new Map();
  for (const [name, run] of Object.entries(runs)) {
    try {
      for (let i = 0; i < iterations; i += 1) await run(); // warm-up: one round's worth
    } catch (error) {
      failed.set(name, error.message.split('\n')[0]);
    }
  }
  const samples = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  const names = Object.keys(runs).filter((name) => !failed.has(name));
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) samples[name].push((await time(runs[name], iterations)) / per);
  }
  const us = Object.fromEntries(names.map((name) => [name, median(samples[name])]));
  const bare = us['bare axios'];
  const overhead = (name) => (us[name] === undefined ? undefined : us[name] - bare);
  console.log(
    `${w.name}  (${ROUNDS} rounds of ${iterations} x ${per} requests; times are medians)`,
  );
  for (const name of Object.keys(runs)) {
    const note = failed.has(name)
      ? `fails: ${failed.get(name)}`
      : name === 'bare axios' || name === 'smithy sign()'
        ? ''
        : `overhead ${fmt(overhead(name))}`;
    console.log(`  ${name.padEnd(14)} ${fmt(us[name]).padStart(10)}  ${note}`);
  }
  // The ratios are taken within each round, between contenders measured back to back, so the
  // machine's drift from round to round cancels out; the median of them is the figure, and the
  // middle half of them shows how far the noise within a round still moves it.
  const perRound = (of) =>
    samples['bare axios'].map((bareUs, r) => of(r, bareUs)).filter(Number.isFinite);
  const roundsVsAws4 = failed.has('aws4-axios')
    ? []
    : perRound((r, b) => (samples.apigSigner[r] - b) / (samples['aws4-axios'][r] - b));
  const roundsVsSmithy = perRound(
    (r, b) => (samples.apigSigner[r] - b) / samples['smithy sign()'][r],
  );
  const vsAws4 = roundsVsAws4.length === 0 ? undefined : quantile(roundsVsAws4, 0.5);
  const vsSmithy = quantile(roundsVsSmithy, 0.5);
  const figure = (values) =>
    values.length === 0
      ? 'n/a'
      : `${quantile(values, 0.5).toFixed(2)}x  (middle half ${quantile(values, 0.25).toFixed(2)}-${quantile(values, 0.75).toFixed(2)})`;
  console.log(
    `  apigSigner overhead / aws4-axios overhead: ${figure(roundsVsAws4)}${vsAws4 === undefined ? '' : vsAws4 <= 0.5 ? '  target met' : '  target NOT met'}`,
  );
  console.log(
    `  apigSigner overhead / smithy sign():       ${figure(roundsVsSmithy)}${vsSmithy <= 1.5 ? '  target met' : '  target NOT met'}\n`,
  );
  if ((vsAws4 !== undefined && vsAws4 > 0.5) || vsSmithy > 1.5) missed += 1;
}

// One credential fetch for 1,000 concurrent requests.
let strategyCalls = 0;
const counted = client((i) =>
  i.interceptors.request.use(
    apigSigner({
      credentials: async () => {
        strategyCalls += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return CREDENTIALS;
      },
    }),
  ),
);
await Promise.all(Array.from({ length: 1000 }, (_, i) => counted.get(`/n/${i}`)));
console.log(
  `credential-strategy calls for 1,000 concurrent requests: ${strategyCalls} (must be 1)`,
);

// Heap growth over many requests through one signer.
const total = QUICK ? 5_000 : 100_000;
const gc = globalThis.gc ?? (() => undefined);
const signed = clients.apigSigner;
for (let i = 0; i < 1000; i += 1) await signed.get('/warm', { params: { i } });
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < total; i += 100) {
  await Promise.all(
    Array.from({ length: 100 }, (_, j) =>
      signed.post('/items', { i: i + j }, { params: { i: i + j } }),
    ),
  );
}
gc();
const growth = (process.memoryUsage().heapUsed - before) / 2 ** 20;
console.log(
  `heap growth over ${total.toLocaleString('en')} requests: ${growth.toFixed(2)} MiB${globalThis.gc ? '' : ' (run with --expose-gc for a collected figure)'}`,
);

const harnessOk = strategyCalls === 1;
console.log(
  `\n${missed === 0 ? 'every target met' : `${missed} workload(s) miss a target`}${QUICK ? ' (quick run: figures are not the measurement)' : ''}`,
);
process.exitCode = harnessOk ? 0 : 1;
