import { Agent, createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import axios from 'axios';

import { attachApigSigner } from '../../lib';

/**
 * A fault soak, judged by counts, not timings: 20,000 requests with 200 in flight against a
 * server that expires the current key every 2,000 requests and answers 1 % of first attempts
 * with a clock-skew refusal. An expiry refuses every request in flight with that key, about 1 %
 * of all requests. Every request must succeed, and the strategy must be called exactly once per
 * expired key (plus the first fetch). The app's axios settings are the adversarial ones:
 * `validateStatus: () => true`, a `r => r.data` response interceptor and a params interceptor.
 */
const TOTAL = 20_000;
const IN_FLIGHT = 200;
/** The current key is expired after it has served this many requests. */
const KEY_LIFETIME = 2_000;
/** Requests whose id is ≡ this mod 100 get a skew refusal on their first attempt (1 %). */
const SKEWED = 37;
/**
 * Retries signed with a key that expired within this many arrivals are still accepted, as a key
 * expires for requests signed after the fact, not for a retry already on its way. Without it the
 * count of failures would depend on scheduling.
 */
const RETRY_GRACE = 2 * IN_FLIGHT;

function soakServer() {
  let arrivals = 0;
  let keyNumber = 1;
  let servedByKey = 0;
  const expiredAt = new Map<string, number>();
  const seen = new Set<string>();
  const counts = { ok: 0, expired: 0, skew: 0, expirations: 0, badQuery: 0 };
  const current = () => `ASIAKEY${keyNumber}`;

  const answer = (res: ServerResponse, status: number, type?: string, message = '') => {
    res.writeHead(status, {
      'content-type': 'application/json',
      date: new Date().toUTCString(),
      ...(type === undefined ? {} : { 'x-amzn-errortype': type }),
    });
    res.end(JSON.stringify({ status, message }));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    arrivals += 1;
    const id = String(req.headers['x-soak-id']);
    // The app's params interceptor adds `tenant`; it must arrive once, on first attempts and re-sends.
    const query = new URL(req.url ?? '/', 'http://soak').searchParams;
    if (query.getAll('tenant').join() !== 'acme') counts.badQuery += 1;
    const retry = seen.has(id);
    seen.add(id);
    const key = /Credential=([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? '';
    const expiredSince = expiredAt.get(key);
    if (expiredSince !== undefined && !(retry && arrivals - expiredSince <= RETRY_GRACE)) {
      counts.expired += 1;
      return answer(
        res,
        403,
        'ExpiredTokenException',
        'The security token included in the request is expired',
      );
    }
    if (!retry && Number(id) % 100 === SKEWED) {
      counts.skew += 1;
      const amzDate = String(req.headers['x-amz-date']);
      return answer(
        res,
        403,
        'InvalidSignatureException',
        `Signature expired: ${amzDate} is now earlier than ${amzDate} (${amzDate} - 5 min.)`,
      );
    }
    if (key === current()) {
      servedByKey += 1;
      if (servedByKey >= KEY_LIFETIME) {
        expiredAt.set(key, arrivals);
        counts.expirations += 1;
        keyNumber += 1;
        servedByKey = 0;
      }
    }
    counts.ok += 1;
    return answer(res, 200);
  });
  return { server, counts, current };
}

it('20,000 requests, 200 in flight, expiring keys and skew refusals, the app accepting every status: every request succeeds once, one fetch per expired key', async () => {
  const { server, counts, current } = soakServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  try {
    const strategy = jest.fn(() =>
      Promise.resolve({
        accessKeyId: current(),
        secretAccessKey: 'soak-secret',
        sessionToken: 'soak',
      }),
    );
    const api = axios.create({
      baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      httpAgent: agent,
      validateStatus: () => true,
    });
    api.interceptors.request.use((config) => {
      config.params = { ...(config.params as object | undefined), tenant: 'acme' };
      return config;
    });
    attachApigSigner(api, { credentials: strategy, region: 'us-east-1', hosts: ['127.0.0.1'] });
    api.interceptors.response.use((response) => response.data as never);

    let next = 0;
    let succeeded = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (next < TOTAL) {
        const id = next;
        next += 1;
        try {
          const body = (await api.get(`/item/${id}`, {
            headers: { 'x-soak-id': String(id) },
          })) as unknown as { status: number; message: string };
          if (body.status === 200) succeeded += 1;
          else failures.push(`${id}: ${body.status} ${body.message}`);
        } catch (error) {
          failures.push(`${id}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    expect(failures.slice(0, 5)).toEqual([]);
    expect(succeeded).toBe(TOTAL);
    expect(counts.badQuery).toBe(0);
    // 1 % of ids are marked for a skew refusal; a marked request whose first attempt met an
    // expired key is retried unskewed, so a few marks go unused.
    expect(counts.skew).toBeGreaterThan((TOTAL / 100) * 0.75);
    expect(counts.skew).toBeLessThanOrEqual(TOTAL / 100);
    expect(counts.expirations).toBeGreaterThanOrEqual(9);
    expect(counts.expired).toBeGreaterThanOrEqual(counts.expirations);
    // One fetch per expired key, plus the first: never one per refused request.
    expect(strategy).toHaveBeenCalledTimes(counts.expirations + 1);
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}, 240_000);
