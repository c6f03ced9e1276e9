// The contenders and workloads of the benchmark, and how a round is timed, shared by run.mjs
// (the measurement), compare.mjs (two builds) and profile.mjs (one contender on one workload,
// for a CPU profile).
import { performance } from 'node:perf_hooks';

import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import axios from 'axios';
import { aws4Interceptor } from 'aws4-axios';
import { apigSigner } from 'apig-signer';

const REGION = 'eu-west-2';
const BASE = `https://a1b2c3d4e5.execute-api.${REGION}.amazonaws.com/prod`;
export const CREDENTIALS = {
  accessKeyId: 'AKIDBENCHMARK',
  secretAccessKey: 'benchmark/secret/KEY+value0123456789abcd',
  sessionToken: 'IQoJb3JpZ2luX2VjEBenchmarkSessionToken0123456789abcdefghijklmnopqrstuvwxyz',
};

/** An adapter that answers at once: no network, so only the client-side work is measured. */
const instant = async (config) => ({
  data: '',
  status: 200,
  statusText: 'OK',
  headers: {},
  config,
  request: {},
});

export function client(install) {
  const instance = axios.create({ baseURL: BASE, adapter: instant });
  install?.(instance);
  return instance;
}

export const clients = {
  'bare axios': client(),
  apigSigner: client((i) => i.interceptors.request.use(apigSigner({ credentials: CREDENTIALS }))),
  'aws4-axios': client((i) =>
    i.interceptors.request.use(
      aws4Interceptor({
        options: { region: REGION, service: 'execute-api' },
        credentials: CREDENTIALS,
      }),
    ),
  ),
};
const smithy = new SignatureV4({
  credentials: CREDENTIALS,
  region: REGION,
  service: 'execute-api',
  sha256: Hash.bind(null, 'sha256'), // as the AWS SDK's Node clients configure it
  applyChecksum: false,
});

const json1k = {
  items: Array.from({ length: 16 }, (_, i) => ({
    id: i,
    text: `note ${i} héllo wörld`.padEnd(40, '.'),
  })),
};
const binary1m = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
const host = new URL(BASE).host;

/** Each workload: what axios sends, and the same request for a bare smithy sign(). */
export const workloads = [
  {
    name: 'GET, 2 query params',
    iterations: 1000,
    send: (c) => c.get('/notes', { params: { q: 'two words', limit: 10 } }),
    smithy: {
      method: 'GET',
      path: '/prod/notes',
      query: { q: 'two words', limit: '10' },
      headers: { host },
    },
  },
  {
    name: 'GET, 10 params (unicode, arrays)',
    iterations: 1000,
    send: (c) =>
      c.get('/search', {
        params: {
          q: 'héllo wörld',
          tag: ['a', 'b', 'c'],
          from: '2026-01-01',
          to: '2026-12-31',
          page: 2,
          size: 50,
          sort: 'date',
          lang: '日本',
        },
      }),
    smithy: {
      method: 'GET',
      path: '/prod/search',
      query: {
        q: 'héllo wörld',
        'tag[]': ['a', 'b', 'c'],
        from: '2026-01-01',
        to: '2026-12-31',
        page: '2',
        size: '50',
        sort: 'date',
        lang: '日本',
      },
      headers: { host },
    },
  },
  {
    name: 'POST, 1 KiB JSON',
    iterations: 1000,
    send: (c) => c.post('/notes', json1k),
    smithy: {
      method: 'POST',
      path: '/prod/notes',
      query: {},
      headers: { host, 'content-type': 'application/json' },
      body: JSON.stringify(json1k),
    },
  },
  {
    name: 'POST, 1 MiB binary',
    iterations: 15,
    send: (c) =>
      c.post('/blobs', binary1m, { headers: { 'Content-Type': 'application/octet-stream' } }),
    smithy: {
      method: 'POST',
      path: '/prod/blobs',
      query: {},
      headers: { host, 'content-type': 'application/octet-stream' },
      body: binary1m,
    },
  },
  {
    name: '100 concurrent GETs',
    iterations: 10,
    batch: 100,
    send: (c) => Promise.all(Array.from({ length: 100 }, (_, i) => c.get(`/notes/${i}`))),
    smithy: { method: 'GET', path: '/prod/notes/1', query: {}, headers: { host } },
  },
];

export const smithySend = (w) => () => {
  if (!w.batch)
    return smithy.sign({
      protocol: 'https:',
      hostname: host,
      ...w.smithy,
      headers: { ...w.smithy.headers },
    });
  return Promise.all(
    Array.from({ length: w.batch }, () =>
      smithy.sign({
        protocol: 'https:',
        hostname: host,
        ...w.smithy,
        headers: { ...w.smithy.headers },
      }),
    ),
  );
};

/** Microseconds per call of `run`, over `iterations` calls one after another. */
export async function time(run, iterations) {
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) await run();
  return ((performance.now() - start) * 1000) / iterations;
}

/** The value below which the fraction `q` of `values` lies (0.5: the median). */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
