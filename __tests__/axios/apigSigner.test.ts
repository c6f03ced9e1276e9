import { Readable } from 'node:stream';
import { inspect } from 'node:util';

import axios, { AxiosHeaders } from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';

import {
  ApigSignerError,
  ConfigurationError,
  CredentialsError,
  SigningError,
  apigSigner,
  fromStatic,
} from '../../lib';
import type { Credentials } from '../../lib';
import { TEST_KEYS, echoOf, headerOf, signedClient, startTestGateway } from '../helpers/setup';
import { dispatched } from '../helpers/dispatched';
import { useNock } from '../helpers/nock';

const nock = useNock();

const API = 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com';

/** A strategy that counts its calls. */
function countingStrategy(credentials: Credentials = { ...TEST_KEYS }) {
  const strategy = jest.fn(() => Promise.resolve(credentials));
  return strategy;
}

function config(partial: Partial<InternalAxiosRequestConfig>): InternalAxiosRequestConfig {
  return { headers: new AxiosHeaders(), method: 'get', ...partial } as InternalAxiosRequestConfig;
}

describe('apigSigner: region and service come from the host', () => {
  it.each([
    ['https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/x', 'eu-west-2/execute-api'],
    ['https://abcdef.lambda-url.us-west-2.on.aws/x', 'us-west-2/lambda'],
    ['https://xyz.appsync-api.eu-central-1.amazonaws.com/graphql', 'eu-central-1/appsync'],
    ['https://search-d-1.us-east-2.es.amazonaws.com/_search', 'us-east-2/es'],
    ['https://abc.eu-west-1.aoss.amazonaws.com/index', 'eu-west-1/aoss'],
  ])('%s is signed for %s', async (url, scope) => {
    const { origin, pathname } = new URL(url);
    let authorization = '';
    nock(origin)
      .get(pathname)
      .reply(function () {
        authorization = String(this.req.headers['authorization']);
        return [200, 'ok'];
      });
    const api = axios.create();
    api.interceptors.request.use(apigSigner({ credentials: fromStatic(TEST_KEYS) }));
    await api.get(url);
    expect(authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIDTESTEXAMPLE/\\d{8}/${scope}/aws4_request, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$`,
      ),
    );
  });

  it('options override the host: region and service', async () => {
    let authorization = '';
    nock(API)
      .get('/prod')
      .reply(function () {
        authorization = String(this.req.headers['authorization']);
        return [200, 'ok'];
      });
    const api = axios.create({ baseURL: `${API}/prod` });
    api.interceptors.request.use(
      apigSigner({ credentials: TEST_KEYS, region: 'us-east-1', service: 'custom' }),
    );
    await api.get('');
    expect(authorization).toContain('/us-east-1/custom/aws4_request');
  });
});

describe('apigSigner: the allowlist', () => {
  it('passes a request to a host outside it through untouched, without looking up credentials', async () => {
    const strategy = countingStrategy();
    let received: Record<string, unknown> = {};
    nock('https://api.thirdparty.example')
      .get('/v1/things')
      .query(true)
      .reply(function () {
        received = this.req.headers;
        return [200, 'ok'];
      });
    const api = axios.create();
    api.interceptors.request.use(apigSigner({ credentials: strategy }));
    await api.get('https://api.thirdparty.example/v1/things', { params: { q: 'a b' } });
    expect(strategy).not.toHaveBeenCalled();
    expect(received['authorization']).toBeUndefined();
    expect(received['x-amz-security-token']).toBeUndefined();
    expect(received['x-amz-date']).toBeUndefined();
  });

  it('leaves the config of a request outside it exactly as it was', async () => {
    const interceptor = apigSigner({ credentials: countingStrategy() });
    const original = config({
      url: 'https://example.com/a b',
      params: { q: 'x y' },
      data: { a: 1 },
    });
    const snapshot = { ...original, headers: original.headers.toJSON() };
    const sent = await dispatched(interceptor, original);
    for (const key of ['url', 'params', 'data', 'method'] as const) {
      expect(sent[key]).toEqual(snapshot[key]);
    }
    expect(sent.headers.toJSON()).toEqual(snapshot.headers);
  });

  it('a look-alike of an AWS host is not signed by default', async () => {
    const strategy = countingStrategy();
    const interceptor = apigSigner({ credentials: strategy });
    for (const url of [
      'https://a1.execute-api.us-east-1.amazonaws.com.evil.example/x',
      'https://execute-api.us-east-1.amazonaws.com/x',
      'http://127.0.0.1/x',
    ]) {
      const result = await dispatched(interceptor, config({ url }));
      expect(AxiosHeaders.from(result.headers).has('Authorization')).toBe(false);
    }
    expect(strategy).not.toHaveBeenCalled();
  });

  it('signs a custom domain once it is in `hosts` and `region` is set', async () => {
    const gateway = await startTestGateway();
    try {
      const api = signedClient(gateway, 'http', { hosts: [`127.0.0.1:${gateway.port}`] });
      await api.get('/x');
      expect(gateway.requests[0]!.verdict.accepted).toBe(true);
    } finally {
      await gateway.close();
    }
  });
});

describe('apigSigner: per-request options', () => {
  it('`sign: false` sends one request unsigned', async () => {
    const gateway = await startTestGateway();
    try {
      const api = signedClient(gateway, 'http');
      const response = await api.get('/public', {
        apigSigner: { sign: false },
        validateStatus: () => true,
      });
      expect(response.status).toBe(403);
      expect(gateway.requests[0]!.verdict.errorType).toBe('MissingAuthenticationTokenException');
      expect(
        gateway.requests[0]!.headers.some(([name]) => name.toLowerCase() === 'authorization'),
      ).toBe(false);
    } finally {
      await gateway.close();
    }
  });

  it('region and service can be overridden for one request', async () => {
    const gateway = await startTestGateway({ region: 'ap-southeast-2', service: 'lambda' });
    try {
      const api = signedClient(gateway, 'http');
      await api.get('/x', { apigSigner: { region: 'ap-southeast-2', service: 'lambda' } });
      expect(gateway.requests[0]!.verdict.accepted).toBe(true);
    } finally {
      await gateway.close();
    }
  });
});

describe('apigSigner: a config that carries an earlier signature', () => {
  it('is signed afresh: earlier signature headers and presign parameters removed first', async () => {
    const interceptor = apigSigner({
      credentials: TEST_KEYS,
      signQuery: true,
      hosts: ['127.0.0.1'],
      region: 'us-east-1',
    });
    const first = await dispatched(
      interceptor,
      config({ url: 'http://127.0.0.1:9/x?a=1', params: { b: 2 } }),
    );
    const second = await dispatched(interceptor, config({ url: first.url! }));
    const query = new URL(second.url!).searchParams;
    expect([...query.keys()].filter((key) => key === 'X-Amz-Signature')).toHaveLength(1);
    expect(query.getAll('a')).toEqual(['1']);
    expect(query.getAll('b')).toEqual(['2']);

    const headerSigner = apigSigner({
      credentials: TEST_KEYS,
      hosts: ['127.0.0.1'],
      region: 'us-east-1',
    });
    const headers = new AxiosHeaders({ 'X-Amz-Date': '20000101T000000Z', Authorization: 'old' });
    const again = await dispatched(headerSigner, config({ url: 'http://127.0.0.1:9/x', headers }));
    expect(again.headers.get('X-Amz-Date')).not.toBe('20000101T000000Z');
    expect(again.headers.get('Authorization')).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(again.url).toBe('http://127.0.0.1:9/x');
  });

  it('marked many times (axios-retry), one redirect guard calls the caller’s own beforeRedirect once', async () => {
    const interceptor = apigSigner({
      credentials: TEST_KEYS,
      hosts: ['127.0.0.1'],
      region: 'us-east-1',
    });
    const redirect = (signed: InternalAxiosRequestConfig) => {
      const options = {
        protocol: 'http:',
        hostname: 'elsewhere.example',
        port: '',
        headers: {
          Authorization: 'a',
          'X-Amz-Security-Token': 't',
          'X-Amz-Date': 'd',
          Accept: '*/*',
        },
      };
      const hook = signed.beforeRedirect as unknown as (...args: unknown[]) => void;
      hook(options, { headers: {}, statusCode: 302 }, { headers: {}, url: '', method: 'GET' });
      return options.headers;
    };

    const userHook = jest.fn();
    let marked = config({ url: 'http://127.0.0.1:9/x', beforeRedirect: userHook });
    for (let i = 0; i < 3; i += 1) marked = await interceptor(marked);
    const signed = await dispatched(interceptor, marked);
    expect(redirect(signed)).toEqual({ Accept: '*/*' });
    expect(userHook).toHaveBeenCalledTimes(1);

    // Without a hook of the caller's, requests to one origin share one guard, made once.
    const a = await dispatched(interceptor, config({ url: 'http://127.0.0.1:9/a' }));
    const b = await dispatched(interceptor, config({ url: 'http://127.0.0.1:9/b' }));
    expect(b.beforeRedirect).toBe(a.beforeRedirect);
    expect(redirect(b)).toEqual({ Accept: '*/*' });
  });
});

describe('apigSigner: unsigned payloads', () => {
  it('a stream body is a SigningError without unsignedPayload, before any I/O', async () => {
    const strategy = countingStrategy();
    const api = axios.create({ baseURL: `${API}/prod` });
    api.interceptors.request.use(apigSigner({ credentials: strategy }));
    const error: unknown = await api
      .post('/upload', Readable.from(['a', 'b']))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SigningError);
    expect(error).toMatchObject({ code: 'ERR_STREAM_BODY' });
    expect((error as Error).message).toContain('unsignedPayload: true');
    expect(strategy).not.toHaveBeenCalled();
  });

  it('with unsignedPayload, a stream is sent and UNSIGNED-PAYLOAD is signed', async () => {
    const gateway = await startTestGateway();
    try {
      const api = signedClient(gateway, 'http', { unsignedPayload: true });
      const response = await api.post(
        '/upload',
        Readable.from([Buffer.from('streamed '), Buffer.from('body')]),
        {
          headers: { 'Content-Type': 'application/octet-stream' },
        },
      );
      const echo = echoOf(response.data);
      expect(Buffer.from(echo.body, 'base64').toString()).toBe('streamed body');
      expect(headerOf(echo, 'x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD');
      expect(gateway.requests[0]!.verdict.signedHeaders).toContain('x-amz-content-sha256');
    } finally {
      await gateway.close();
    }
  });
});

describe('apigSigner: bad input gets a typed error before any network I/O', () => {
  const SECRETS = [TEST_KEYS.secretAccessKey, TEST_KEYS.sessionToken];

  async function rejectionOf(run: () => Promise<unknown>): Promise<ApigSignerError> {
    const scope = nock(/.*/).persist().get(/.*/).reply(200).post(/.*/).reply(200);
    const error: unknown = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(scope.pendingMocks().length).toBeGreaterThan(0); // nothing was requested
    expect(error).toBeInstanceOf(ApigSignerError);
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${inspect(error)} ${String(error)}`;
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    return error as ApigSignerError;
  }

  it('a relative URL without baseURL: ERR_RELATIVE_URL', async () => {
    const api = axios.create();
    api.interceptors.request.use(apigSigner({ credentials: TEST_KEYS }));
    const error = await rejectionOf(() => api.get('/notes'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe('ERR_RELATIVE_URL');
    expect(error.message).toContain('baseURL');
  });

  it('an allowlisted custom domain without region: ERR_NO_REGION naming host and option', async () => {
    const strategy = countingStrategy();
    const api = axios.create({ baseURL: 'https://api.example.com' });
    api.interceptors.request.use(apigSigner({ credentials: strategy, hosts: ['api.example.com'] }));
    const error = await rejectionOf(() => api.get('/notes'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe('ERR_NO_REGION');
    expect(error.message).toContain('api.example.com');
    expect(error.message).toContain('`region`');
    expect(strategy).not.toHaveBeenCalled();
  });

  it('malformed credentials: ConfigurationError at once, the secret not quoted', () => {
    for (const bad of [
      { accessKeyId: '', secretAccessKey: TEST_KEYS.secretAccessKey },
      { accessKeyId: 'AKID', secretAccessKey: 42 },
      { accessKeyId: 'AKID', secretAccessKey: TEST_KEYS.secretAccessKey, sessionToken: 7 },
      { accessKeyId: 'AKID', secretAccessKey: TEST_KEYS.secretAccessKey, expiration: 'tomorrow' },
      null,
    ]) {
      for (const create of [
        () => fromStatic(bad as never),
        () => apigSigner({ credentials: bad as never }),
      ]) {
        let error: unknown;
        try {
          create();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigurationError);
        expect(error).toMatchObject({
          code: expect.stringMatching(/^ERR_(INVALID_CREDENTIALS|CONFIGURATION)$/),
        });
        expect(String((error as Error).message)).not.toContain(TEST_KEYS.secretAccessKey);
      }
    }
  });

  it('a strategy that returns malformed credentials: CredentialsError', async () => {
    const api = axios.create({ baseURL: `${API}/prod` });
    api.interceptors.request.use(
      apigSigner({ credentials: () => Promise.resolve({ accessKeyId: 'AKID' } as Credentials) }),
    );
    const error = await rejectionOf(() => api.get('/notes'));
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.code).toBe('ERR_INVALID_CREDENTIALS');
  });

  it('a strategy that throws: CredentialsError with the cause, its message not copied', async () => {
    const cause = new Error('upstream said: quota 42 exceeded');
    const api = axios.create({ baseURL: `${API}/prod` });
    api.interceptors.request.use(apigSigner({ credentials: () => Promise.reject(cause) }));
    const error = await rejectionOf(() => api.get('/notes'));
    expect(error.code).toBe('ERR_CREDENTIALS');
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain('quota 42');
  });

  it('a header value HTTP cannot carry: ERR_HEADER_VALUE', async () => {
    const api = axios.create({ baseURL: `${API}/prod` });
    api.interceptors.request.use(apigSigner({ credentials: TEST_KEYS }));
    const error = await rejectionOf(() => api.get('/notes', { headers: { 'X-Name': 'Łódź' } }));
    expect(error.code).toBe('ERR_HEADER_VALUE');
    expect(error.message).toContain('X-Name');
  });

  it('HTTP Basic auth on a signed request: ERR_BASIC_AUTH', async () => {
    const api = axios.create({ baseURL: `${API}/prod` });
    api.interceptors.request.use(apigSigner({ credentials: TEST_KEYS }));
    const error = await rejectionOf(() =>
      api.get('/notes', { auth: { username: 'u', password: 'p' } }),
    );
    expect(error.code).toBe('ERR_BASIC_AUTH');
  });

  it('a body transformRequest left as an object: ERR_UNSUPPORTED_BODY', async () => {
    const api = axios.create({ baseURL: `${API}/prod`, transformRequest: [] });
    api.interceptors.request.use(apigSigner({ credentials: TEST_KEYS }));
    const error = await rejectionOf(() => api.post('/notes', { a: 1 }));
    expect(error.code).toBe('ERR_UNSUPPORTED_BODY');
  });

  it.each([
    [{ region: '' }],
    [{ service: 7 }],
    [{ signQuery: 'yes' }],
    [{ expiresIn: 0 }],
    [{ expiresIn: 604_801 }],
    [{ hosts: 'api.example.com' }],
  ])('malformed option %p: ConfigurationError', (options) => {
    expect(() => apigSigner({ credentials: TEST_KEYS, ...(options as object) })).toThrow(
      ConfigurationError,
    );
  });

  it('no credentials and no AWS_* variables: a CredentialsError that names them', async () => {
    const saved = { ...process.env };
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    try {
      const api = axios.create({ baseURL: `${API}/prod` });
      api.interceptors.request.use(apigSigner());
      const error = await rejectionOf(() => api.get('/notes'));
      expect(error).toBeInstanceOf(CredentialsError);
      expect(error.code).toBe('ERR_CREDENTIALS_UNAVAILABLE');
      expect(error.message).toContain('AWS_ACCESS_KEY_ID');
    } finally {
      process.env = saved;
    }
  });
});
