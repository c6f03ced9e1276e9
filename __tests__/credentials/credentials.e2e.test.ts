import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { fromIni } from '@aws-sdk/credential-provider-ini';
import axios from 'axios';

import { apigSigner, chain, fromEnv, fromStatic, memoize } from '../../lib';
import type { Credentials, CredentialsProvider } from '../../lib';
import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { hasAdapter } from '../helpers/setup';
import { showCollector } from '../helpers/shown';

const A = {
  accessKeyId: 'AKIDFIRST',
  secretAccessKey: 'first-secret-value',
  sessionToken: 'first-token-value',
};
const B = {
  accessKeyId: 'AKIDSECOND',
  secretAccessKey: 'second-secret-value',
  sessionToken: 'second-token-value',
};

let gateway: SigV4Gateway;
beforeEach(async () => {
  gateway = await startSigV4Gateway({ credentials: [A, B] });
});
afterEach(async () => {
  await gateway.close();
});

function client(credentials: CredentialsProvider | Credentials) {
  const api = axios.create({
    baseURL: `${gateway.url}/prod`,
    httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
  });
  api.interceptors.request.use(
    apigSigner({ credentials, region: 'us-east-1', hosts: ['127.0.0.1'] }),
  );
  return api;
}

describe('apigSigner with a credentials strategy', () => {
  it('1,000 parallel requests at start-up: one strategy call, every request verified', async () => {
    const strategy = jest.fn(
      () => new Promise<Credentials>((resolve) => setTimeout(() => resolve({ ...A }), 20)),
    );
    const api = client(strategy);
    const responses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => api.get(`/items/${i}`, { params: { i } })),
    );
    expect(strategy).toHaveBeenCalledTimes(1);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(gateway.requests).toHaveLength(1000);
    expect(gateway.requests.every((r) => r.verdict.accepted)).toBe(true);
  });

  it('no request is signed with credentials that expired before it was signed', async () => {
    let time = Date.UTC(2026, 0, 1, 12);
    const now = () => time;
    let finishRefresh: () => void = () => undefined;
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce({ ...A, expiration: new Date(time + 3_600_000) })
      .mockImplementationOnce(
        () =>
          new Promise((resolve) => {
            finishRefresh = () => {
              resolve({ ...B, expiration: new Date(time + 3_600_000) });
            };
          }),
      );
    const credentials = memoize(strategy, { now });
    const api = client(credentials);
    await api.get('/warm-up');

    time += 3_600_000 - 60_000; // inside the refresh window
    const inFlight = Array.from({ length: 50 }, () => api.get('/during-refresh'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    time += 120_000; // A expires while the refresh is under way
    finishRefresh();
    await Promise.all(inFlight);

    const during = gateway.requests.filter((r) => r.path === '/prod/during-refresh');
    expect(during).toHaveLength(50);
    expect(during.every((r) => r.verdict.accessKeyId === B.accessKeyId)).toBe(true);
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it('when the refresh fails after expiry, requests fail and nothing is sent', async () => {
    let time = Date.UTC(2026, 0, 1, 12);
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce({ ...A, expiration: new Date(time + 3_600_000) })
      .mockImplementation(async () => {
        time += 3_600_000;
        throw new Error('identity pool unavailable');
      });
    const api = client(memoize(strategy, { now: () => time }));
    await api.get('/warm-up');
    time += 3_600_000 - 60_000;
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => api.get('/late')));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(gateway.requests.filter((r) => r.path === '/prod/late')).toHaveLength(0);
  });

  it('signs with an AWS SDK provider as it is (fromIni and a credentials file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apig-signer-ini-'));
    try {
      const file = join(dir, 'credentials');
      writeFileSync(
        file,
        `[test]\naws_access_key_id = ${A.accessKeyId}\naws_secret_access_key = ${A.secretAccessKey}\naws_session_token = ${A.sessionToken}\n`,
      );
      const api = client(
        fromIni({ profile: 'test', filepath: file, configFilepath: join(dir, 'config') }),
      );
      await api.get('/from-ini');
      expect(gateway.requests[0]!.verdict).toMatchObject({
        accepted: true,
        accessKeyId: A.accessKeyId,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('swapping strategies in a test is one line', async () => {
    const api = client(chain(fromEnv(), fromStatic(B)));
    await api.get('/swapped');
    expect(gateway.requests[0]!.verdict.accessKeyId).toBe(B.accessKeyId);
  });
});

describe('secrets stay out of what apig-signer shows', () => {
  it('no message, JSON or inspect of the signer, strategies or errors shows a secret or token', async () => {
    const secrets = [A.secretAccessKey, A.sessionToken];
    const { shown, show } = showCollector();
    const logs: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logs.push(args.map(String).join(' '));
      }),
    );
    try {
      const strategy = memoize(fromStatic(A));
      await strategy();
      const interceptor = apigSigner({
        credentials: strategy,
        region: 'us-east-1',
        hosts: ['127.0.0.1'],
      });
      show(strategy);
      show(interceptor);
      show(apigSigner({ credentials: A }));

      const failing = [
        memoize(() => Promise.resolve({ ...A, sessionToken: `${A.sessionToken}\r\n` })),
        memoize(() => Promise.resolve({ accessKeyId: A.accessKeyId, secretAccessKey: 7 } as never)),
        chain(() => Promise.reject(Object.assign(new Error('nope'), { tryNextLink: true }))),
      ];
      for (const provider of failing) show(await provider().catch((e: unknown) => e));
      for (const bad of [
        { ...A, accessKeyId: '' },
        { ...A, sessionToken: 5 },
        { ...A, expiration: 'x' },
      ]) {
        try {
          fromStatic(bad as never);
        } catch (error) {
          show(error);
        }
      }
      const api = client(A);
      show(await api.get('/x', { headers: { 'X-Bad': 'ä\u0100' } }).catch((e: unknown) => e));
      show(await api.post('/x', Readable.from(['x'])).catch((e: unknown) => e));
      // axios 1.6 has no web streams (they came with the fetch adapter, in 1.7): it sends the JSON of the object ({}), signed, and the
      // answer shown would be a response, not an apig-signer error.
      if (hasAdapter('fetch')) {
        show(await api.post('/x', new ReadableStream()).catch((e: unknown) => e));
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(shown.length).toBeGreaterThan(20);
    for (const text of [...shown, ...logs]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
