import axios, { AxiosHeaders } from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';

import {
  ConfigurationError,
  CredentialsError,
  SigningError,
  apigSigner,
  attachApigSigner,
  fromStatic,
  presignUrl,
  signRequest,
} from '../../lib';
import type { ApigSignerDebugEvent, Credentials, SigningDebugInfo } from '../../lib';
import { dispatched } from '../helpers/dispatched';
import { useNock } from '../helpers/nock';
import { TEST_KEYS, startTestGateway } from '../helpers/setup';

const nock = useNock();

const API = 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com';

function config(partial: Partial<InternalAxiosRequestConfig>): InternalAxiosRequestConfig {
  return { headers: new AxiosHeaders(), method: 'get', ...partial } as InternalAxiosRequestConfig;
}

describe('credentials timeouts', () => {
  it('a strategy call that never answers is abandoned: the next request starts a new call', async () => {
    const gateway = await startTestGateway();
    try {
      let calls = 0;
      const strategy = jest.fn(() => {
        calls += 1;
        return calls === 1
          ? new Promise<Credentials>(() => undefined)
          : Promise.resolve({ ...TEST_KEYS });
      });
      const api = axios.create({ baseURL: `${gateway.url}/prod` });
      attachApigSigner(api, {
        credentials: strategy,
        region: 'us-east-1',
        hosts: ['127.0.0.1'],
        credentialsTimeoutMs: 50,
      });
      await expect(api.get('/first')).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
      await expect(api.get('/second')).resolves.toMatchObject({ status: 200 });
      await expect(api.get('/third')).resolves.toMatchObject({ status: 200 });
      expect(strategy).toHaveBeenCalledTimes(2);
      expect(gateway.requests.map((r) => r.path)).toEqual(['/prod/second', '/prod/third']);
    } finally {
      await gateway.close();
    }
  });

  it.each([2 ** 31, Infinity, 0, -5, Number.NaN])(
    'credentialsTimeoutMs %p is refused at once (a timer cannot hold it)',
    (credentialsTimeoutMs) => {
      expect(() => apigSigner({ credentialsTimeoutMs })).toThrow(ConfigurationError);
      expect(() => apigSigner({ credentialsTimeoutMs })).toThrow(/1 to 2147483647/);
    },
  );

  it('signRequest and presignUrl give up on a strategy that never answers', async () => {
    const hung = () => new Promise<Credentials>(() => undefined);
    await expect(
      signRequest({ url: `${API}/x`, credentials: hung, credentialsTimeoutMs: 20 }),
    ).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
    await expect(
      presignUrl({ url: `${API}/x`, credentials: hung, credentialsTimeoutMs: 20 }),
    ).rejects.toBeInstanceOf(CredentialsError);
  });

  it('signRequest times out after 30 s by default', async () => {
    jest.useFakeTimers();
    try {
      const pending = signRequest({
        url: `${API}/x`,
        credentials: () => new Promise<Credentials>(() => undefined),
      }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(29_999);
      let settled = false;
      void pending.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await pending).toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('credentials, regions and services that HTTP or SigV4 cannot carry', () => {
  const secretish = 'wJalrXUtnFEMI/K7MDENG';
  it.each([
    ['a line break in the key id', { accessKeyId: 'AKID\nX', secretAccessKey: secretish }],
    ['a space in the secret', { accessKeyId: 'AKID', secretAccessKey: `${secretish} x` }],
    [
      'CR/LF in the session token',
      { accessKeyId: 'AKID', secretAccessKey: secretish, sessionToken: `tok\r\nX-Evil: 1` },
    ],
    [
      'non-ASCII in the session token',
      { accessKeyId: 'AKID', secretAccessKey: secretish, sessionToken: 'tokén' },
    ],
  ])('%s: ERR_INVALID_CREDENTIALS at once, naming the field only', (_name, credentials) => {
    const attempt = () => apigSigner({ credentials });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CREDENTIALS' }));
    try {
      attempt();
    } catch (error) {
      const { message } = error as Error;
      expect(message).toMatch(/accessKeyId|secretAccessKey|sessionToken/);
      expect(message).not.toContain(secretish);
      expect(message).not.toContain('tok');
    }
  });

  it('the same from a strategy: a CredentialsError, and nothing is sent', async () => {
    const scope = nock(API).get('/x').reply(200);
    const api = axios.create();
    api.interceptors.request.use(
      apigSigner({
        credentials: () =>
          Promise.resolve({ ...TEST_KEYS, sessionToken: 'token\nX-Injected: yes' }),
      }),
    );
    const error: unknown = await api.get(`${API}/x`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
    expect((error as Error).message).toContain('sessionToken');
    expect(scope.isDone()).toBe(false);
  });

  it.each(['us/east-1', 'us-east-1\n', 'US-EAST-1', 'us east 1', ''])(
    'region %p is refused at once',
    (region) => {
      expect(() => apigSigner({ region })).toThrow(
        expect.objectContaining({ code: 'ERR_CONFIGURATION' }),
      );
    },
  );

  it.each(['execute api', 'lambda/x', 'S3\n'])('service %p is refused at once', (service) => {
    expect(() => apigSigner({ service })).toThrow(ConfigurationError);
  });

  it('a region that cannot be one, such as eu-west2, is refused with a hint', () => {
    expect(() => apigSigner({ region: 'eu-west2' })).toThrow(/Did you mean "eu-west-2"\?/);
  });

  it.each(['us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'eusc-de-east-1', 'ap-southeast-5'])(
    'region %p is accepted',
    (region) => {
      expect(() => apigSigner({ region })).not.toThrow();
    },
  );

  it('per-request region and service are checked before any I/O', async () => {
    const interceptor = apigSigner({ credentials: { ...TEST_KEYS } });
    await expect(
      dispatched(interceptor, config({ url: `${API}/x`, apigSigner: { region: 'eu-west-2\r\n' } })),
    ).rejects.toMatchObject({ code: 'ERR_CONFIGURATION' });
    await expect(
      dispatched(interceptor, config({ url: `${API}/x`, apigSigner: { service: 'a b' } })),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('signRequest checks region and service too', async () => {
    await expect(
      signRequest({ url: `${API}/x`, credentials: { ...TEST_KEYS }, region: 'us/east-1' }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIGURATION' });
  });
});

describe('credentials of the wrong shape say what is wrong', () => {
  it('a Promise where a strategy was expected: pass the function', () => {
    const provider = () => Promise.resolve({ ...TEST_KEYS });
    expect(() => apigSigner({ credentials: provider() as never })).toThrow(
      /pass the strategy itself \(`credentials: provider`\)/,
    );
  });

  it("sigV4Client.js's accessKey/secretKey: names the fields to use", () => {
    expect(() =>
      apigSigner({ credentials: { accessKey: 'AKID', secretKey: 'secret' } as never }),
    ).toThrow(/name them `accessKeyId`, `secretAccessKey` and `sessionToken`/);
  });

  it('an AWS SDK v2 Credentials object: how to wrap it', () => {
    const v2 = {
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expireTime: new Date(),
      getPromise: () => Promise.resolve(),
      needsRefresh: () => false,
    };
    expect(() => apigSigner({ credentials: v2 as never })).toThrow(
      /AWS SDK v2 `Credentials` object: wrap it in a strategy/,
    );
  });

  it('a strategy that resolves to an AWS SDK v2 object: the same hint, as a CredentialsError', async () => {
    const interceptor = apigSigner({
      credentials: () => Promise.resolve({ getPromise: () => Promise.resolve() } as never),
    });
    await expect(dispatched(interceptor, config({ url: `${API}/x` }))).rejects.toThrow(
      /AWS SDK v2/,
    );
  });
});

describe('the allowlist', () => {
  it('AWS endpoint hosts are never signed over http: ERR_INSECURE_URL, nothing sent', async () => {
    const scope = nock(API.replace('https:', 'http:')).get('/x').reply(200);
    const api = axios.create();
    api.interceptors.request.use(apigSigner({ credentials: { ...TEST_KEYS } }));
    const error: unknown = await api
      .get(`${API.replace('https:', 'http:')}/x`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SigningError);
    expect(error).toMatchObject({ code: 'ERR_INSECURE_URL' });
    expect((error as Error).message).toMatch(/clear text/);
    expect(scope.isDone()).toBe(false);
  });

  it('signRequest and presignUrl refuse http:// and ws:// AWS endpoints too', async () => {
    await expect(
      signRequest({
        url: 'http://a1.execute-api.us-east-1.amazonaws.com/x',
        credentials: TEST_KEYS,
      }),
    ).rejects.toMatchObject({ code: 'ERR_INSECURE_URL' });
    await expect(
      presignUrl({ url: 'ws://a1.execute-api.us-east-1.amazonaws.com/x', credentials: TEST_KEYS }),
    ).rejects.toMatchObject({ code: 'ERR_INSECURE_URL' });
  });

  it("a pattern with the scheme's default port matches a URL without a port", async () => {
    const interceptor = apigSigner({
      credentials: { ...TEST_KEYS },
      region: 'eu-west-2',
      hosts: ['api.example.com:443', 'plain.example.com:80'],
    });
    const signed = await dispatched(interceptor, config({ url: 'https://api.example.com/x' }));
    expect(signed.headers.get('Authorization')).toMatch(/^AWS4-HMAC-SHA256 /);
    const plain = await dispatched(interceptor, config({ url: 'http://plain.example.com/x' }));
    expect(plain.headers.get('Authorization')).toMatch(/^AWS4-HMAC-SHA256 /);
    // A listed host name on another port goes out unsigned, and the signer says so once.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const otherPort = await dispatched(
      interceptor,
      config({ url: 'https://api.example.com:8443/x' }),
    );
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^apig-signer: GET https:\/\/api\.example\.com:8443\/x went out unsigned/,
    );
    warn.mockRestore();
    expect(otherPort.headers.get('Authorization')).toBeUndefined();
  });

  it('a RegExp not anchored at the end is refused with a hint', () => {
    expect(() => apigSigner({ hosts: [/example\.com/] })).toThrow(/not anchored at the end/);
    expect(() => apigSigner({ hosts: [/example\.com\$/] })).toThrow(ConfigurationError);
    expect(() => apigSigner({ hosts: [/(^|\.)example\.com$/] })).not.toThrow();
  });
});

describe('requests the signer lets through', () => {
  it('`sign: true` on a host outside `hosts`: ERR_HOST_NOT_ALLOWED naming host and option', async () => {
    const interceptor = apigSigner({ credentials: { ...TEST_KEYS } });
    const error: unknown = await dispatched(
      interceptor,
      config({ url: 'https://api.example.com/x', apigSigner: { sign: true } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'ERR_HOST_NOT_ALLOWED' });
    expect((error as Error).message).toMatch(/api\.example\.com.*`hosts`/);
  });

  it('the debug hook is told about every request it skips, and why', async () => {
    const events: ApigSignerDebugEvent[] = [];
    const interceptor = apigSigner({
      credentials: fromStatic(TEST_KEYS),
      debug: (event) => events.push(event),
    });
    await dispatched(interceptor, config({ url: 'https://api.example.com/x?secret=1' }));
    await dispatched(interceptor, config({ url: `${API}/y`, apigSigner: { sign: false } }));
    await dispatched(interceptor, config({ url: 'ftp://files.example.com/z' }));
    expect(events).toEqual([
      expect.objectContaining({
        event: 'skipped',
        reason: 'host-not-allowed',
        method: 'GET',
        url: 'https://api.example.com/x',
        message: expect.stringMatching(/add it to `hosts`/) as unknown,
      }),
      expect.objectContaining({ event: 'skipped', reason: 'sign-false', url: `${API}/y` }),
      expect.objectContaining({ event: 'skipped', reason: 'not-http' }),
    ]);
  });
});

describe('the debug hook redacts the session token in every form', () => {
  it.each([false, true])('signQuery %p', async (signQuery) => {
    const sessionToken = "IQo+/=!'()*~Zq9marker";
    const seen: SigningDebugInfo[] = [];
    const interceptor = apigSigner({
      credentials: { ...TEST_KEYS, sessionToken },
      signQuery,
      debug: (info) => info.event === 'signed' && seen.push(info),
    });
    await dispatched(interceptor, config({ url: `${API}/x`, params: { q: 'a' } }));
    const shown = JSON.stringify(seen);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.canonicalRequest).toContain('<redacted>');
    for (const form of [
      sessionToken,
      encodeURIComponent(sessionToken),
      encodeURIComponent(sessionToken).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    ]) {
      expect(shown).not.toContain(form);
    }
    expect(shown).not.toContain('Zq9marker');
  });
});
