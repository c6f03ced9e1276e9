import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import axios, { AxiosHeaders } from 'axios';
import type { AxiosAdapter, AxiosInstance, CreateAxiosDefaults } from 'axios';
import axiosRetry from 'axios-retry';

import { ApigSignerError, CredentialsError, apigSigner, attachApigSigner } from '../../lib';
import type { ApigSignerOptions, Credentials } from '../../lib';
import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { ALL_ADAPTERS, TEST_KEYS, itEachAdapter, itWith, startTestGateway } from '../helpers/setup';
import type { AdapterName } from '../helpers/setup';
import { startOtherOrigin } from '../helpers/otherOrigin';
import type { OtherOrigin } from '../helpers/otherOrigin';

const MINUTE = 60_000;
const STALE = { accessKeyId: 'ASIASTALE', secretAccessKey: 'stale-secret', sessionToken: 'stale' };
const FRESH = { accessKeyId: 'ASIAFRESH', secretAccessKey: 'fresh-secret', sessionToken: 'fresh' };

let gateway: SigV4Gateway | undefined;
let other: OtherOrigin | undefined;
afterEach(async () => {
  await gateway?.close();
  await other?.close();
  gateway = undefined;
  other = undefined;
});

type Fault = 'clock-skew' | 'expired-token';

/** A gateway that refuses the first request for `fault`, and a strategy that fits it. */
async function faultyGateway(
  fault: Fault,
  handler?: Parameters<typeof startSigV4Gateway>[0] extends infer O
    ? O extends { handler?: infer H }
      ? H
      : never
    : never,
) {
  if (fault === 'clock-skew') {
    gateway = await startTestGateway({ clockOffsetMs: 10 * MINUTE, handler });
    return { credentials: jest.fn(() => Promise.resolve<Credentials>({ ...TEST_KEYS })) };
  }
  gateway = await startSigV4Gateway({
    credentials: [{ ...STALE, expiration: new Date(Date.now() - 1000) }, FRESH],
    handler,
  });
  const credentials = jest
    .fn<Promise<Credentials>, []>()
    .mockResolvedValueOnce(STALE)
    .mockResolvedValue(FRESH);
  return { credentials };
}

function client(
  options: ApigSignerOptions,
  defaults: CreateAxiosDefaults = {},
  adapter: AdapterName = 'http',
): AxiosInstance {
  const api = axios.create({ baseURL: `${gateway!.url}/prod`, adapter, ...defaults });
  api.interceptors.request.use(
    apigSigner({ region: 'us-east-1', hosts: ['127.0.0.1'], ...options }),
  );
  return api;
}

const verdicts = () => gateway!.requests.map((r) => r.verdict.errorType ?? r.verdict.status);

describe('dispatch: apigSigner() alone recovers, whatever validateStatus', () => {
  const variants: Array<[string, CreateAxiosDefaults]> = [
    ['default', {}],
    ['(s) => s < 500', { validateStatus: (s) => s < 500 }],
    ['() => true', { validateStatus: () => true }],
    ['undefined', { validateStatus: undefined } as unknown as CreateAxiosDefaults],
  ];
  describe.each<Fault>(['clock-skew', 'expired-token'])('%s', (fault) => {
    it.each(variants)('validateStatus %s: re-signed once, 200', async (_name, defaults) => {
      const { credentials } = await faultyGateway(fault);
      const api = client({ credentials }, defaults);
      const response = await api.get('/notes');
      expect(response.status).toBe(200);
      expect(gateway!.requests.map((r) => r.verdict.accepted)).toEqual([false, true]);
    });
  });
});

describe('dispatch: response interceptors run once per call', () => {
  it.each(['before', 'after'])(
    '`(r) => r.data` registered %s attachApigSigner: the body, recovered or not',
    async (when) => {
      const { credentials } = await faultyGateway('expired-token', () => ({
        body: JSON.stringify({ data: 'inner' }),
        headers: { 'content-type': 'application/json' },
      }));
      const api = axios.create({ baseURL: `${gateway!.url}/prod`, adapter: 'http' });
      const unwrap = jest.fn((r: { data: unknown }) => r.data);
      if (when === 'before') api.interceptors.response.use(unwrap as never);
      attachApigSigner(api, { credentials, region: 'us-east-1', hosts: ['127.0.0.1'] });
      if (when === 'after') api.interceptors.response.use(unwrap as never);
      const first: unknown = await api.get('/notes');
      expect(first).toEqual({ data: 'inner' });
      const second: unknown = await api.get('/notes');
      expect(second).toEqual({ data: 'inner' });
      expect(unwrap).toHaveBeenCalledTimes(2);
      expect(verdicts()).toEqual(['ExpiredTokenException', 200, 200]);
    },
  );

  it.each(['before', 'after'])(
    'an error-normalising interceptor registered %s the signer does not stop recovery',
    async (when) => {
      const { credentials } = await faultyGateway('clock-skew');
      const api = axios.create({ baseURL: `${gateway!.url}/prod`, adapter: 'http' });
      const normalise = jest.fn(() => Promise.reject(new Error('normalised')));
      if (when === 'before') api.interceptors.response.use(undefined, normalise);
      api.interceptors.request.use(
        apigSigner({ credentials, region: 'us-east-1', hosts: ['127.0.0.1'] }),
      );
      if (when === 'after') api.interceptors.response.use(undefined, normalise);
      await expect(api.get('/notes')).resolves.toMatchObject({ status: 200 });
      expect(normalise).not.toHaveBeenCalled();
    },
  );
});

describe("dispatch: the re-send's answer is the caller's answer", () => {
  it.each([500, 409, 200])('the re-send gets %d: the caller gets that answer', async (status) => {
    const { credentials } = await faultyGateway('expired-token', () => ({ status, body: 'x' }));
    const api = client({ credentials }, { validateStatus: () => true });
    const response = await api.post('/orders', { n: 1 });
    expect(response.status).toBe(status);
    expect(verdicts()).toEqual(['ExpiredTokenException', 200]);
  });

  it('a 500 of the re-send rejects as that 500, not the stale 403', async () => {
    const { credentials } = await faultyGateway('expired-token', () => ({ status: 500 }));
    const api = client({ credentials });
    await expect(api.post('/orders', { n: 1 })).rejects.toMatchObject({
      response: { status: 500 },
    });
  });

  it('the 403 reaches the caller only when the re-send never left, with the reason as cause', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ ...STALE, expiration: new Date(Date.now() - 1000) }],
    });
    const failure = new Error('identity pool down');
    const credentials = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce(STALE)
      .mockRejectedValue(failure);
    const api = client({ credentials });
    const error: unknown = await api.get('/notes').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(403);
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(CredentialsError);
    expect(gateway.requests).toHaveLength(1);
  });

  itWith('fetch')(
    'a re-send that left and then met a redirect it will not follow: that error, not the 403',
    async () => {
      const { credentials } = await faultyGateway('expired-token', () => ({
        status: 302,
        headers: { Location: 'data:text/plain,hello' },
      }));
      const api = client({ credentials }, {}, 'fetch');
      const error: unknown = await api.get('/notes').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_REDIRECT' });
      expect(verdicts()).toEqual(['ExpiredTokenException', 200]);
    },
  );

  it('an abort while the re-send waits for credentials is a cancellation', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ ...STALE, expiration: new Date(Date.now() - 1000) }, FRESH],
    });
    const controller = new AbortController();
    const credentials = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce(STALE)
      .mockImplementation(() => {
        controller.abort();
        return new Promise(() => undefined);
      });
    const api = client({ credentials });
    const error: unknown = await api
      .get('/notes', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
  });
});

describe('dispatch: request interceptors and params are applied once', () => {
  const tenantInterceptor = (api: AxiosInstance) =>
    api.interceptors.request.use((c) => {
      c.params = { ...(c.params as object), tenant: 'acme' };
      return c;
    });

  it('on recovery', async () => {
    const { credentials } = await faultyGateway('clock-skew');
    const api = client({ credentials });
    tenantInterceptor(api);
    await api.get('/notes', { params: { q: 1 } });
    for (const request of gateway!.requests) {
      expect(request.query.filter(([n]) => n === 'tenant')).toEqual([['tenant', 'acme']]);
    }
    expect(gateway!.requests.map((r) => r.verdict.accepted)).toEqual([false, true]);
  });

  it('on axios-retry re-sends', async () => {
    let calls = 0;
    gateway = await startTestGateway({
      handler: () => (++calls === 1 ? { status: 503, body: 'busy' } : undefined),
    });
    const api = client({ credentials: { ...TEST_KEYS } });
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    tenantInterceptor(api);
    const response = await api.get('/notes');
    expect(response.status).toBe(200);
    expect(gateway.requests).toHaveLength(2);
    for (const request of gateway.requests) {
      expect(request.verdict.accepted).toBe(true);
      expect(request.query.filter(([n]) => n === 'tenant')).toEqual([['tenant', 'acme']]);
    }
  });
});

describe('dispatch: one deadline and one cancellation for the whole call', () => {
  const hanging = () => jest.fn(() => new Promise<Credentials>(() => undefined));

  itEachAdapter(
    ALL_ADAPTERS.map((a) => [a] as const),
    'abort() while waiting for credentials settles at once (%s adapter)',
    async (adapter) => {
      gateway = await startTestGateway();
      const api = client({ credentials: hanging() }, {}, adapter);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      const error: unknown = await api
        .get('/notes', { signal: controller.signal })
        .catch((e: unknown) => e);
      expect(axios.isCancel(error)).toBe(true);
      expect(Date.now() - started).toBeLessThan(150);
      expect(gateway.requests).toHaveLength(0);
    },
  );

  it('a CancelToken while waiting for credentials: the reason it was given', async () => {
    gateway = await startTestGateway();
    const api = client({ credentials: hanging() });
    const source = axios.CancelToken.source();
    setTimeout(() => source.cancel('user left'), 50);
    const started = Date.now();
    const error: unknown = await api
      .get('/notes', { cancelToken: source.token })
      .catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
    expect((error as Error).message).toBe('user left');
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('timeout while waiting for credentials: ECONNABORTED, and the strategy call is not abandoned for others', async () => {
    gateway = await startTestGateway();
    let answer: (c: Credentials) => void = () => undefined;
    const credentials = jest.fn(
      () =>
        new Promise<Credentials>((resolve) => {
          answer = resolve;
        }),
    );
    const api = client({ credentials });
    const started = Date.now();
    const patient = api.get('/notes');
    const error: unknown = await api.get('/notes', { timeout: 100 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.code).toBe('ECONNABORTED');
    expect((error as Error).message).toBe('timeout of 100ms exceeded');
    expect(Date.now() - started).toBeLessThan(200);
    answer({ ...TEST_KEYS });
    await expect(patient).resolves.toMatchObject({ status: 200 });
    expect(credentials).toHaveBeenCalledTimes(1);
    expect(gateway.requests).toHaveLength(1);
  });

  itWith('fetch')(
    'timeout covers every redirect hop of the fetch adapter, not each hop anew',
    async () => {
      gateway = await startTestGateway();
      let hops = 0;
      const slowLoop: Server = createServer((req, res) => {
        hops += 1;
        setTimeout(() => res.writeHead(302, { Location: `/hop${hops}` }).end(), 60);
      });
      await new Promise<void>((resolve) => slowLoop.listen(0, '127.0.0.1', resolve));
      try {
        const port = (slowLoop.address() as AddressInfo).port;
        const api = axios.create({ adapter: 'fetch' });
        api.interceptors.request.use(
          apigSigner({ credentials: { ...TEST_KEYS }, region: 'us-east-1', hosts: ['127.0.0.1'] }),
        );
        const started = Date.now();
        const error: unknown = await api
          .get(`http://127.0.0.1:${port}/start`, { timeout: 200 })
          .catch((e: unknown) => e);
        expect(axios.isAxiosError(error) && error.code).toBe('ECONNABORTED');
        // A timeout restarted at every hop would never fire here (each hop answers in 60 ms): the
        // chain would run to maxRedirects, 21 hops and over 1.2 s. The bound leaves a busy
        // machine room; the hop count is the sharp check.
        expect(Date.now() - started).toBeLessThan(450);
        expect(hops).toBeLessThan(6);
      } finally {
        slowLoop.closeAllConnections();
        slowLoop.close();
      }
    },
  );
});

describe('dispatch: recovery for every responseType', () => {
  const types = ['stream', 'blob', 'arraybuffer', 'text', 'json'] as const;
  const cases = ALL_ADAPTERS.flatMap((adapter) => types.map((type) => [adapter, type] as const));

  itEachAdapter(
    cases,
    '%s adapter, responseType %s: healed, the body intact',
    async (adapter, type) => {
      const { credentials } = await faultyGateway('clock-skew', () => ({
        body: '{"ok":true}',
        headers: { 'content-type': 'application/json' },
      }));
      const api = client({ credentials }, {}, adapter);
      const response = await api.get('/file', { responseType: type });
      expect(response.status).toBe(200);
      expect(gateway!.requests.map((r) => r.verdict.accepted)).toEqual([false, true]);
      const { data } = response as { data: unknown };
      let text: string;
      if (type === 'json') text = JSON.stringify(data);
      else if (type === 'text') text = data as string;
      else if (data instanceof Blob) text = await data.text();
      else if (type === 'arraybuffer' || type === 'blob')
        text = Buffer.from(data as ArrayBuffer).toString();
      else if (data instanceof ReadableStream) text = await new Response(data).text();
      else {
        const chunks: Buffer[] = [];
        for await (const chunk of data as Readable) chunks.push(Buffer.from(chunk as Buffer));
        text = Buffer.concat(chunks).toString();
      }
      expect(text).toBe('{"ok":true}');
    },
  );

  it('a stream 403 whose re-send never left reaches the caller readable', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ ...STALE, expiration: new Date(Date.now() - 1000) }],
    });
    const credentials = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce(STALE)
      .mockRejectedValue(new Error('identity pool down'));
    const api = client({ credentials }, { validateStatus: () => true });
    const response = await api.get('/file', { responseType: 'stream' });
    expect(response.status).toBe(403);
    const chunks: Buffer[] = [];
    for await (const chunk of response.data as Readable) chunks.push(Buffer.from(chunk as Buffer));
    expect(Buffer.concat(chunks).toString()).toContain('security token');
  });

  it('a stream 403 that is not AWS’s own reaches the caller whole', async () => {
    gateway = await startTestGateway({
      handler: () => ({ status: 403, body: 'x'.repeat(100_000) }),
    });
    const api = client({ credentials: { ...TEST_KEYS } }, { validateStatus: () => true });
    const response = await api.get('/big', { responseType: 'stream' });
    expect(response.status).toBe(403);
    let size = 0;
    for await (const chunk of response.data as Readable) size += (chunk as Buffer).length;
    expect(size).toBe(100_000);
    expect(gateway.requests).toHaveLength(1);
  });
});

describe('dispatch: no signer header leaves for another origin or plain http', () => {
  const signerHeaders = (headers: IncomingHttpHeaders) =>
    ['authorization', 'x-amz-security-token', 'x-amz-date'].filter((n) => headers[n] !== undefined);

  async function redirector(location: (other: OtherOrigin) => string) {
    other = await startOtherOrigin();
    gateway = await startTestGateway({
      handler: () => ({ status: 302, headers: { Location: location(other!) } }),
    });
  }

  itWith('fetch')(
    'fetch adapter with fetchOptions.redirect "follow": the signer still follows, unsigned away',
    async () => {
      await redirector((o) => `${o.url}/landing`);
      const api = client(
        { credentials: { ...TEST_KEYS } },
        { fetchOptions: { redirect: 'follow' } },
        'fetch',
      );
      const response = await api.get('/start');
      expect(response.data).toBe('elsewhere');
      expect(signerHeaders(other!.received[0]!.headers)).toEqual([]);
    },
  );

  itWith('fetch')(
    'the fetch adapter is always asked for redirect: manual, maxRedirects 0 included',
    async () => {
      await redirector((o) => `${o.url}/landing`);
      const seen: unknown[] = [];
      const platformFetch = globalThis.fetch;
      const spyFetch = (input: Request | string, init?: RequestInit) => {
        seen.push(init?.redirect ?? (input instanceof Request ? input.redirect : undefined));
        return platformFetch(input, init);
      };
      // `env.fetch` where axios has it (1.8+), the global fetch where it has not.
      globalThis.fetch = spyFetch as typeof fetch;
      try {
        const api = client(
          { credentials: { ...TEST_KEYS } },
          { env: { fetch: spyFetch } as never, maxRedirects: 0, validateStatus: () => true },
          'fetch',
        );
        const response = await api.get('/start');
        expect(response.status).toBe(302);
        expect(seen).toEqual(['manual']);
        expect(other!.received).toHaveLength(0);
      } finally {
        globalThis.fetch = platformFetch;
      }
    },
  );

  it('http adapter: an https→http redirect on the same host and port drops the signer headers', async () => {
    const headers = {
      Authorization: 'a',
      'X-Amz-Security-Token': 't',
      'X-Amz-Date': 'd',
      Accept: '*/*',
    };
    const capture: AxiosAdapter = (config) => {
      const hook = config.beforeRedirect as unknown as (...args: unknown[]) => void;
      hook(
        {
          protocol: 'http:',
          hostname: 'a1.execute-api.eu-west-2.amazonaws.com',
          port: '443',
          headers,
        },
        { headers: {}, statusCode: 302 },
        { headers: {}, url: '', method: 'GET' },
      );
      return Promise.resolve({ data: '', status: 200, statusText: 'OK', headers: {}, config });
    };
    const api = axios.create({ adapter: capture });
    api.interceptors.request.use(apigSigner({ credentials: { ...TEST_KEYS } }));
    await api.get('https://a1.execute-api.eu-west-2.amazonaws.com/prod/x');
    expect(headers).toEqual({ Accept: '*/*' });
  });

  itWith('fetch').each([
    ['data:', 'data:text/plain,hello'],
    ['userinfo', 'http://user:pass@127.0.0.1:9/x'],
  ])('fetch adapter: a %s Location is refused with ERR_REDIRECT', async (_name, location) => {
    await redirector(() => location);
    const api = client({ credentials: { ...TEST_KEYS } }, {}, 'fetch');
    const error: unknown = await api.get('/start').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApigSignerError);
    expect(error).toMatchObject({ code: 'ERR_REDIRECT' });
    expect((error as Error).message).not.toContain('user:pass');
  });
});

describe('dispatch: a stream that was read is never signed again', () => {
  it('axios-retry re-sending a consumed stream: ERR_BODY_NOT_REPLAYABLE, nothing sent', async () => {
    let calls = 0;
    gateway = await startTestGateway({
      handler: () => (++calls === 1 ? { status: 503, body: 'busy' } : undefined),
    });
    const api = client({ credentials: { ...TEST_KEYS }, unsignedPayload: true });
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    const error: unknown = await api
      .put('/upload', Readable.from([Buffer.from('payload')]))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BODY_NOT_REPLAYABLE' });
    expect(gateway.requests).toHaveLength(1);
  });
});

describe('dispatch: interceptor order does not matter', () => {
  it.each([true, false])(
    'legacyInterceptorReqResOrdering %p: params and headers added before and after the signer are all signed',
    async (legacy) => {
      gateway = await startTestGateway();
      // axios before 1.13 has only the legacy order, and refuses the option.
      const known = 'legacyInterceptorReqResOrdering' in (axios.defaults.transitional ?? {});
      const api = axios.create({
        baseURL: `${gateway.url}/prod`,
        ...(known ? { transitional: { legacyInterceptorReqResOrdering: legacy } } : {}),
      });
      const addParam = (name: string) =>
        api.interceptors.request.use((c) => {
          c.params = { ...(c.params as object), [name]: '1' };
          return c;
        });
      const addHeader = (name: string) =>
        api.interceptors.request.use((c) => {
          c.headers = AxiosHeaders.from(c.headers).set(name, 'yes');
          return c;
        });
      addParam('before');
      addHeader('x-before');
      api.interceptors.request.use(
        apigSigner({ credentials: { ...TEST_KEYS }, region: 'us-east-1', hosts: ['127.0.0.1'] }),
      );
      addParam('after');
      addHeader('x-after');
      const response = await api.get('/notes');
      expect(response.status).toBe(200);
      const [request] = gateway.requests;
      expect(request!.verdict.accepted).toBe(true);
      expect(request!.query.map(([n]) => n).sort()).toEqual(['after', 'before']);
      const lines = request!.verdict.canonicalRequest!.split('\n');
      const signed = lines[lines.length - 2]!.split(';');
      expect(signed).toEqual(expect.arrayContaining(['x-before', 'x-after']));
    },
  );
});

describe('dispatch: what an error shows (docs/troubleshooting.md, Logging)', () => {
  it.each([false, true])(
    'signQuery %p: error.config is the request as built, error.request what was sent',
    async (signQuery) => {
      gateway = await startTestGateway({ handler: () => ({ status: 500 }) });
      const api = client({ credentials: { ...TEST_KEYS }, signQuery });
      const error: unknown = await api.get('/notes', { params: { q: 1 } }).catch((e: unknown) => e);
      expect(axios.isAxiosError(error)).toBe(true);
      const { config, request } = error as { config: unknown; request: { path: string } };
      const shown = JSON.stringify(config);
      expect(shown).not.toContain(TEST_KEYS.sessionToken);
      expect(shown).not.toContain(encodeURIComponent(TEST_KEYS.sessionToken));
      expect(shown).not.toContain('AWS4-HMAC-SHA256');
      const sent = signQuery
        ? decodeURIComponent(request.path)
        : String(
            (request as unknown as { getHeader(n: string): unknown }).getHeader(
              'x-amz-security-token',
            ),
          );
      expect(sent).toContain(TEST_KEYS.sessionToken);
    },
  );
});
