import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

import axios from 'axios';
import type { AxiosInstance, CreateAxiosDefaults, InternalAxiosRequestConfig } from 'axios';

import { apigSigner } from '../../lib';
import type { ApigSignerOptions } from '../../lib';
import type { GatewayResponse, SigV4Gateway } from '../../lib/testing';
import { startOtherOrigin } from '../helpers/otherOrigin';
import { fakeSetTimeout, settleWithFakeTimers, startSignedOrigin } from '../helpers/stalledOrigin';
import { describeEachAdapter, startTestGateway, TEST_KEYS } from '../helpers/setup';
import type { AdapterName } from '../helpers/setup';

const MINUTE = 60_000;

/** Closed after each test. */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  jest.useRealTimers();
  for (const close of closers.splice(0)) await close();
});

function client(
  url: string,
  adapter: AdapterName,
  defaults: CreateAxiosDefaults = {},
  options: ApigSignerOptions = {},
): AxiosInstance {
  const api = axios.create({ baseURL: url, adapter, ...defaults });
  api.interceptors.request.use(
    apigSigner({
      credentials: { ...TEST_KEYS },
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
      ...options,
    }),
  );
  return api;
}

/** Every byte of a stream answer, Node or web. */
async function textOf(data: unknown): Promise<string> {
  if (data instanceof ReadableStream) return new Response(data).text();
  const chunks: Buffer[] = [];
  for await (const chunk of data as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}

/** A server on the signed origin (127.0.0.1) whose every answer is `answer`'s. */
const signedOrigin = (answer: (res: ServerResponse) => void) =>
  startSignedOrigin(answer, (close) => closers.push(close));

describeEachAdapter('dispatch edges: a stalled 403 body from the signed origin (%s)', (adapter) => {
  /** AWS's error type and the start of a clock-skew message, then nothing until `finish`. */
  async function stalled() {
    let response: ServerResponse | undefined;
    const origin = await signedOrigin((res) => {
      response = res;
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-ErrorType': 'InvalidSignatureException',
        date: new Date(Date.now() + 3_600_000).toUTCString(),
      });
      res.write('{"message":"Signature expired: ');
    });
    const finish = () => response?.end('20200101T000000Z is now earlier than …"}');
    return { ...origin, finish };
  }

  it('is handed on after the peek bound, unread and not re-sent, readable whole', async () => {
    const origin = await stalled();
    const api = client(origin.url, adapter, { validateStatus: () => true });
    fakeSetTimeout();
    const outcome = await settleWithFakeTimers(api.get('/feed', { responseType: 'stream' }));
    jest.useRealTimers();
    expect(outcome).not.toBe('held');
    const response = outcome as Exclude<typeof outcome, 'held'>;
    expect(response.status).toBe(403);
    origin.finish();
    expect(await textOf(response.data)).toBe(
      '{"message":"Signature expired: 20200101T000000Z is now earlier than …"}',
    );
    expect(origin.requests()).toBe(1);
  });

  it('a body that trickles (a byte every 200 ms) is handed on after the bound too', async () => {
    const origin = await signedOrigin((res) => {
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-ErrorType': 'ExpiredTokenException',
      });
      // Driven by the fake clock: a byte per step, for as long as the connection lives.
      const drip = () => {
        if (res.destroyed) return;
        res.write(' ');
        setTimeout(drip, 200);
      };
      drip();
    });
    const api = client(origin.url, adapter, { validateStatus: () => true });
    fakeSetTimeout();
    const outcome = await settleWithFakeTimers(api.get('/feed', { responseType: 'stream' }));
    jest.useRealTimers();
    expect(outcome).not.toBe('held');
    expect((outcome as Exclude<typeof outcome, 'held'>).status).toBe(403);
    expect(origin.requests()).toBe(1);
  });

  it('the caller’s timeout, sooner than the bound, still wins', async () => {
    const origin = await stalled();
    const api = client(origin.url, adapter);
    fakeSetTimeout();
    const outcome = await settleWithFakeTimers(
      api.get('/feed', { responseType: 'stream', timeout: 300 }).catch((e: unknown) => e),
      { stepMs: 100 },
    );
    jest.useRealTimers();
    expect(outcome).toMatchObject({ code: 'ECONNABORTED' });
    expect(origin.requests()).toBe(1);
  });
});

describeEachAdapter('dispatch edges: clock skew on HEAD (%s)', (adapter) => {
  async function gatewayWith(options: Parameters<typeof startTestGateway>[0]) {
    const gateway: SigV4Gateway = await startTestGateway(options);
    closers.push(() => gateway.close());
    return gateway;
  }
  const verdicts = (gateway: SigV4Gateway) =>
    gateway.requests.map((r) => [r.method, r.verdict.errorType ?? r.verdict.status]);

  it.each([
    ['slow', 10 * MINUTE],
    ['fast', -10 * MINUTE],
  ])(
    'a %s device clock: healed from the Date header, re-sent once, later HEADs right first time',
    async (_name, serverOffset) => {
      const gateway = await gatewayWith({ clockOffsetMs: serverOffset });
      const api = client(`${gateway.url}/prod`, adapter);
      expect((await api.head('/file')).status).toBe(200);
      expect((await api.head('/file')).status).toBe(200);
      expect(verdicts(gateway)).toEqual([
        ['HEAD', 'InvalidSignatureException'],
        ['HEAD', 200],
        ['HEAD', 200],
      ]);
    },
  );

  it('a wrong secret on HEAD is not re-sent (the Date is within AWS’s window)', async () => {
    const gateway = await gatewayWith({});
    const api = client(
      `${gateway.url}/prod`,
      adapter,
      {},
      {
        credentials: { ...TEST_KEYS, secretAccessKey: 'not-the-secret' },
      },
    );
    await expect(api.head('/file')).rejects.toMatchObject({ response: { status: 403 } });
    expect(verdicts(gateway)).toEqual([['HEAD', 'InvalidSignatureException']]);
  });

  it('a skewed Date within AWS’s window is an ordinary bad signature: not re-sent', async () => {
    const gateway = await gatewayWith({ clockOffsetMs: 4 * MINUTE });
    const api = client(
      `${gateway.url}/prod`,
      adapter,
      {},
      {
        credentials: { ...TEST_KEYS, secretAccessKey: 'not-the-secret' },
      },
    );
    await expect(api.head('/file')).rejects.toMatchObject({ response: { status: 403 } });
    expect(gateway.requests).toHaveLength(1);
  });

  it('a forged skew answer from another origin a redirect led to is not acted on', async () => {
    const other = await startOtherOrigin();
    closers.push(() => other.close());
    other.routes['/landing'] = () => [
      403,
      {
        'x-amzn-ErrorType': 'InvalidSignatureException',
        date: new Date(Date.now() + 60 * MINUTE).toUTCString(),
      },
      '',
    ];
    const gateway = await gatewayWith({
      handler: () => ({ status: 302, headers: { Location: `${other.url}/landing` } }),
    });
    const api = client(`${gateway.url}/prod`, adapter);
    await expect(api.head('/file')).rejects.toMatchObject({ response: { status: 403 } });
    await api.head('/file').catch(() => undefined);
    // No re-send, and no clock moved: the second call is signed right and accepted again.
    expect(verdicts(gateway)).toEqual([
      ['HEAD', 200],
      ['HEAD', 200],
    ]);
    expect(other.received).toHaveLength(2);
  });
});

describe('dispatch edges: redirects on the signed origin with the http adapter', () => {
  /** A gateway whose routes (path → answer) only validly signed requests reach. */
  async function routed(routes: Record<string, () => GatewayResponse>) {
    const gateway = await startTestGateway({ handler: (r) => routes[r.path]?.() });
    closers.push(() => gateway.close());
    return gateway;
  }
  const to = (status: number, location: string) => (): GatewayResponse => ({
    status,
    headers: { location },
  });
  const seen = (gateway: SigV4Gateway) =>
    gateway.requests.map((r) => [r.method, r.path, r.verdict.accepted]);

  it('302: the new path is signed anew and accepted', async () => {
    const gateway = await routed({
      '/prod/start': to(302, '/prod/landing?x=two%20words'),
      '/prod/landing': () => ({ body: 'landed' }),
    });
    const response = await client(`${gateway.url}/prod`, 'http').get('/start');
    expect(response.data).toBe('landed');
    expect(seen(gateway)).toEqual([
      ['GET', '/prod/start', true],
      ['GET', '/prod/landing', true],
    ]);
  });

  it('307 after a PUT: the same method and body, signed anew', async () => {
    const gateway = await routed({
      '/prod/v1/orders': to(307, '/prod/v2/orders'),
      '/prod/v2/orders': () => ({ status: 201, body: 'created' }),
    });
    const response = await client(`${gateway.url}/prod`, 'http').put('/v1/orders', { pay: 10 });
    expect(response.status).toBe(201);
    expect(seen(gateway)).toEqual([
      ['PUT', '/prod/v1/orders', true],
      ['PUT', '/prod/v2/orders', true],
    ]);
    expect(gateway.requests[1]!.body.toString()).toBe('{"pay":10}');
  });

  it('maxRedirects is honoured: ERR_FR_TOO_MANY_REDIRECTS after that many hops', async () => {
    const gateway = await routed({ '/prod/loop': to(302, '/prod/loop') });
    const error: unknown = await client(`${gateway.url}/prod`, 'http', { maxRedirects: 2 })
      .get('/loop')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_FR_TOO_MANY_REDIRECTS' });
    expect(seen(gateway)).toEqual([
      ['GET', '/prod/loop', true],
      ['GET', '/prod/loop', true],
      ['GET', '/prod/loop', true],
    ]);
  });

  it('maxRedirects: 0 hands back the redirect itself', async () => {
    const gateway = await routed({ '/prod/start': to(302, '/prod/landing') });
    const api = client(`${gateway.url}/prod`, 'http', {
      maxRedirects: 0,
      validateStatus: () => true,
    });
    expect((await api.get('/start')).status).toBe(302);
    expect(gateway.requests).toHaveLength(1);
  });

  it('the app’s beforeRedirect is still called for each hop, and what it adds is sent', async () => {
    const gateway = await routed({
      '/prod/start': to(302, '/prod/landing'),
      '/prod/landing': () => ({ body: 'landed' }),
    });
    const hook = jest.fn((options: { headers: Record<string, string> }) => {
      options.headers['X-Hop'] = 'yes';
    });
    const api = client(`${gateway.url}/prod`, 'http', {
      beforeRedirect: hook as unknown as NonNullable<CreateAxiosDefaults['beforeRedirect']>,
    });
    expect((await api.get('/start')).data).toBe('landed');
    expect(hook).toHaveBeenCalledTimes(1);
    const landed = gateway.requests[1]!;
    expect(landed.verdict.accepted).toBe(true);
    expect(landed.headers.find(([name]) => name.toLowerCase() === 'x-hop')?.[1]).toBe('yes');
  });
});

describe('dispatch edges: the app’s beforeRedirect runs before the signer’s redirect guard', () => {
  /** A hook that puts the signer's headers back, as a careless app hook might. */
  const readding = (options: { headers: Record<string, string> }) => {
    options.headers['Authorization'] = 'AWS4-HMAC-SHA256 Credential=AKIDTESTEXAMPLE/…';
    options.headers['X-Amz-Security-Token'] = TEST_KEYS.sessionToken;
    options.headers['X-Amz-Date'] = '20260101T000000Z';
    options.headers['X-App'] = 'kept';
  };
  const http = axios.getAdapter('http');

  it.each([
    ['the http adapter', 'http' as const],
    ['an adapter function that wraps the http adapter', (c: InternalAxiosRequestConfig) => http(c)],
  ])('%s: nothing the hook adds of the signer’s reaches another origin', async (_name, adapter) => {
    const other = await startOtherOrigin();
    closers.push(() => other.close());
    const gateway = await startTestGateway({
      handler: () => ({ status: 302, headers: { Location: `${other.url}/landing` } }),
    });
    closers.push(() => gateway.close());
    const api = axios.create({
      baseURL: `${gateway.url}/prod`,
      adapter,
      beforeRedirect: readding as unknown as NonNullable<CreateAxiosDefaults['beforeRedirect']>,
    });
    api.interceptors.request.use(
      apigSigner({ credentials: { ...TEST_KEYS }, region: 'us-east-1', hosts: ['127.0.0.1'] }),
    );
    expect((await api.get('/start')).data).toBe('elsewhere');
    expect(other.received).toHaveLength(1);
    const { headers } = other.received[0]!;
    expect(
      ['authorization', 'x-amz-security-token', 'x-amz-date'].filter((n) => n in headers),
    ).toEqual([]);
    expect(headers['x-app']).toBe('kept');
  });
});

describeEachAdapter('dispatch edges: axios’s sensitiveHeaders on redirects (%s)', (adapter) => {
  it('dropped on a hop to another origin, kept on the signed origin', async () => {
    const other = await startOtherOrigin();
    closers.push(() => other.close());
    const gateway = await startTestGateway({
      handler: (r) =>
        r.path === '/prod/start'
          ? { status: 302, headers: { Location: '/prod/away' } }
          : { status: 307, headers: { Location: `${other.url}/landing` } },
    });
    closers.push(() => gateway.close());
    const api = client(`${gateway.url}/prod`, adapter, {
      sensitiveHeaders: ['x-api-key'],
    } as CreateAxiosDefaults);
    const response = await api.get('/start', { headers: { 'X-Api-Key': 'k3y', 'X-Other': 'o' } });
    expect(response.data).toBe('elsewhere');
    const key = (headers: Array<[string, string]>) =>
      headers.find(([name]) => name.toLowerCase() === 'x-api-key')?.[1];
    expect(gateway.requests.map((r) => [r.verdict.accepted, key(r.headers)])).toEqual([
      [true, 'k3y'],
      [true, 'k3y'],
    ]);
    expect(other.received).toHaveLength(1);
    expect(other.received[0]!.headers['x-api-key']).toBeUndefined();
    expect(other.received[0]!.headers['x-other']).toBe('o');
  });
});
