import { Agent } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import axios from 'axios';
import axiosRetry from 'axios-retry';

import { CredentialsError, attachApigSigner } from '../../lib';
import type { Credentials } from '../../lib';
import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { fakeDateOnly } from '../helpers/cognito';

const HOUR = 3_600_000;

/** A full garbage collection, so heap figures measure what is kept, not what is pending. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const heapUsed = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

let gateway: SigV4Gateway;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  jest.useRealTimers();
  await gateway.close();
  expect(unhandled).toEqual([]);
});

/** A strategy issuing numbered 1-hour credentials the gateway knows. */
function issuing(gw: SigV4Gateway) {
  let n = 0;
  return jest.fn(async (): Promise<Credentials> => {
    n += 1;
    const credentials = {
      accessKeyId: `ASIALOAD${n}`,
      secretAccessKey: `load-secret-${n}`,
      sessionToken: `load-token-${n}`,
      expiration: new Date(Date.now() + HOUR),
    };
    gw.addCredentials(credentials);
    return credentials;
  });
}

it('10,000 requests, 200 in flight, over a simulated 3-hour session with 1-hour credentials', async () => {
  const start = Date.now();
  fakeDateOnly(start);
  gateway = await startSigV4Gateway({ credentials: [] });
  const strategy = issuing(gateway);
  const api = axios.create({
    baseURL: `${gateway.url}/prod`,
    httpAgent: new Agent({ keepAlive: true, maxSockets: 200 }),
  });
  attachApigSigner(api, { credentials: strategy, region: 'us-east-1', hosts: ['127.0.0.1'] });

  // 50 waves of 200 concurrent requests; the clock moves 3.6 minutes between waves, so a
  // request never waits minutes of simulated time for a socket.
  const TOTAL = 10_000;
  const IN_FLIGHT = 200;
  const WAVES = TOTAL / IN_FLIGHT;
  const SESSION = 3 * HOUR;
  let accepted = 0;
  let heapAfterWarmUp = 0;
  for (let wave = 0; wave < WAVES; wave += 1) {
    jest.setSystemTime(start + (wave / WAVES) * SESSION);
    const responses = await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, j) => {
        const i = wave * IN_FLIGHT + j;
        return api.post(`/items/${i}`, { i, payload: 'x'.repeat(64) }, { params: { i } });
      }),
    );
    accepted += responses.filter((r) => r.status === 200).length;
    expect(gateway.requests.filter((r) => !r.verdict.accepted)).toEqual([]);
    gateway.requests.length = 0; // the gateway's records are not the signer's memory
    if (wave === 4) heapAfterWarmUp = heapUsed();
  }
  const heapGrowth = heapUsed() - heapAfterWarmUp;
  expect(accepted).toBe(TOTAL);
  // Fetched at 0, then at the first wave inside each refresh window: 57.6, 115.2, 172.8 minutes.
  expect(strategy).toHaveBeenCalledTimes(4);
  expect(heapGrowth).toBeLessThan(16 * 2 ** 20);
}, 120_000);

describe('faults give the caller a typed error, leave nothing pending, send nothing unsigned', () => {
  it.each([
    ['throws', () => Promise.reject(new Error('boom')), 'ERR_CREDENTIALS'],
    [
      'hangs past the timeout',
      () => new Promise<Credentials>(() => undefined),
      'ERR_CREDENTIALS_TIMEOUT',
    ],
    [
      'returns malformed credentials',
      () => Promise.resolve({ accessKeyId: 'A' } as Credentials),
      'ERR_INVALID_CREDENTIALS',
    ],
  ])('a strategy that %s', async (_name, strategy, code) => {
    gateway = await startSigV4Gateway();
    const api = axios.create({ baseURL: gateway.url });
    attachApigSigner(api, {
      credentials: strategy,
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
      credentialsTimeoutMs: 50,
    });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => api.get('/x')));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as CredentialsError;
      expect(reason).toBeInstanceOf(CredentialsError);
      expect(reason.code).toBe(code);
      expect(reason.message.length).toBeGreaterThan(30);
    }
    expect(gateway.requests).toHaveLength(0);
  });

  it('a strategy that returns expired credentials: AWS judges them, the strategy is not called per request', async () => {
    const expired = {
      accessKeyId: 'AKIDOLD',
      secretAccessKey: 'old-secret',
      expiration: new Date(0),
    };
    gateway = await startSigV4Gateway({ credentials: [expired] });
    const api = axios.create({ baseURL: gateway.url });
    const strategy = jest.fn(() => Promise.resolve({ ...expired }));
    attachApigSigner(api, { credentials: strategy, region: 'us-east-1', hosts: ['127.0.0.1'] });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => api.get('/x')));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as unknown;
      expect(axios.isAxiosError(reason) && reason.response?.headers['x-amzn-errortype']).toBe(
        'ExpiredTokenException',
      );
    }
    // One fetch for the herd, one after AWS refused those credentials; every request was signed.
    expect(strategy).toHaveBeenCalledTimes(2);
    expect(gateway.requests).toHaveLength(40);
    expect(gateway.requests.every((r) => r.verdict.errorType === 'ExpiredTokenException')).toBe(
      true,
    );
  });

  it('the gateway dropping connections: a network error, and a retry is signed afresh', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ accessKeyId: 'AKIDDROP', secretAccessKey: 'drop-secret' }],
    });
    const api = axios.create({ baseURL: gateway.url });
    attachApigSigner(api, {
      credentials: { accessKeyId: 'AKIDDROP', secretAccessKey: 'drop-secret' },
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
    });
    gateway.dropNext(1);
    const error: unknown = await api.post('/x', { a: 1 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.code).toBe('ECONNRESET');

    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    gateway.dropNext(2);
    const response = await api.post('/x', { a: 2 });
    expect(response.status).toBe(200);
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
  });
});
