// Two builds of apig-signer in one process, on the benchmark's workloads: did a change make
// signing slower? On a shared machine whose speed moves from minute to minute, runs of
// `npm run bench` an hour apart cannot tell; builds measured back to back, round after round,
// in the same process can.
//   git worktree add ../before <commit> && (cd ../before && npm ci && npm run build)
//   npm run build
//   node bench/compare.mjs ../before/dist/index.mjs dist/index.mjs ["GET, 2 query params" ...]
// Prints, per workload, B's overhead over bare axios as a multiple of A's: the median of the
// per-round ratios, and the middle half of them.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { CREDENTIALS, client, quantile, time, workloads } from './workloads.mjs';

const [pathA, pathB, ...names] = process.argv.slice(2);
const unknown = names.filter((name) => !workloads.some((w) => w.name === name));
const chosen = names.length === 0 ? workloads : workloads.filter((w) => names.includes(w.name));
if (pathB === undefined || unknown.length > 0) {
  console.error(
    `usage: node bench/compare.mjs <build A entry> <build B entry> [workload ...]\n  workloads: ${workloads.map((w) => w.name).join(', ')}`,
  );
  process.exit(2);
}

const load = async (path) => (await import(pathToFileURL(resolve(path)).href)).apigSigner;
const signers = { A: await load(pathA), B: await load(pathB) };
const ROUNDS = 36;
const ORDERS = [
  ['bare', 'A', 'B'],
  ['A', 'B', 'bare'],
  ['B', 'bare', 'A'],
  ['B', 'A', 'bare'],
  ['A', 'bare', 'B'],
  ['bare', 'B', 'A'],
];

console.log(`A: ${pathA}\nB: ${pathB}\n`);
for (const w of chosen) {
  const per = w.batch ?? 1;
  const iterations = w.iterations;
  const runs = {
    bare: client(),
    A: client((i) => i.interceptors.request.use(signers.A({ credentials: CREDENTIALS }))),
    B: client((i) => i.interceptors.request.use(signers.B({ credentials: CREDENTIALS }))),
  };
  const timeOf = async (c) => (await time(() => w.send(c), iterations)) / per;
  for (const c of Object.values(runs)) for (let i = 0; i < 3; i += 1) await timeOf(c); // warm-up
  const ratios = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Every order of the three in turn, so none runs always first, or always after another.
    const order = ORDERS[round % ORDERS.length];
    const us = {};
    for (const name of order) us[name] = await timeOf(runs[name]);
    ratios.push((us.B - us.bare) / (us.A - us.bare));
  }
  console.log(
    `${w.name.padEnd(34)} B/A overhead ${quantile(ratios, 0.5).toFixed(2)}x  (middle half ${quantile(ratios, 0.25).toFixed(2)}-${quantile(ratios, 0.75).toFixed(2)})`,
  );
}
