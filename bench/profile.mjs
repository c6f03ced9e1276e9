// One contender on one workload, many times over: the program to profile before optimising.
//   npm run build
//   node --cpu-prof --cpu-prof-dir=artifacts/profile bench/profile.mjs apigSigner "GET, 2 query params"
// Contenders: bare axios, apigSigner, aws4-axios, smithy sign(). Workloads: see workloads.mjs.
// Open the .cpuprofile in Chrome DevTools (Performance panel) or VS Code.
import { clients, smithySend, time, workloads } from './workloads.mjs';

const [who = 'apigSigner', which = 'GET, 2 query params', count = '100000'] = process.argv.slice(2);
const workload = workloads.find((w) => w.name === which);
const runs = {
  ...Object.fromEntries(
    Object.entries(clients).map(([name, c]) => [name, () => workload?.send(c)]),
  ),
  'smithy sign()': workload && smithySend(workload),
};
if (workload === undefined || runs[who] === undefined) {
  console.error(
    `usage: node bench/profile.mjs <contender> <workload> [requests]\n  contenders: ${Object.keys(runs).join(', ')}\n  workloads: ${workloads.map((w) => w.name).join(', ')}`,
  );
  process.exit(2);
}
const per = workload.batch ?? 1;
const iterations = Math.max(1, Math.round(Number(count) / per));
const us = (await time(runs[who], iterations)) / per;
console.log(`${who}, ${workload.name}: ${iterations * per} requests, ${us.toFixed(1)} µs each`);
