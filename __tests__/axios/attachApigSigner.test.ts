import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import axios from 'axios';
import axiosRetry from 'axios-retry';

import { CredentialsError, attachApigSigner, apigSigner, fromStatic } from '../../lib';
import type { Credentials, SigningDebugInfo } from '../../lib';
import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { TEST_KEYS, startTestGateway } from '../helpers/setup';
import { useNock } from '../helpers/nock';

const nock = useNock();

const MINUTE = 60_000;
const signerOptions = {
  credentials: fromStatic(TEST_KEYS),
  region: 'us-east-1',
  hosts: ['127.0.0.1'],
};

let gateway: SigV4Gateway;
afterEach(async () => {
  await gateway.close();
});

function client(options: Parameters<typeof attachApigSigner>[1] = signerOptions) {
  const api = axios.create({ baseURL: `${gateway.url}/prod` });
  const signer = attachApigSigner(api, options);
  return { api, signer };
}

describe('attachApigSigner: clock skew', () => {
  it.each([
    [10 * MINUTE, 'Signature expired'],
    [-10 * MINUTE, 'Signature not yet current'],
  ])('server clock %d ms off: re-signs once, then keeps the offset', async (offset, words) => {
    gateway = await startTestGateway({ clockOffsetMs: offset });
    const { api, signer } = client();
    const response = await api.get('/notes');
    expect(response.status).toBe(200);
    expect(gateway.requests.map((r) => r.verdict.accepted)).toEqual([false, true]);
    expect(gateway.requests[0]!.verdict.message).toContain(words);
    expect(Math.abs(signer.clockOffsetMs - offset)).toBeLessThan(2000);

    await api.post('/notes', { again: true });
    expect(gateway.requests.map((r) => r.verdict.accepted)).toEqual([false, true, true]);
  });

  it('learns the offset from the Date header when the message states no time', async () => {
    gateway = await startTestGateway();
    const host = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
    const serverNow = new Date(Date.now() + 20 * MINUTE);
    const dates: string[] = [];
    nock(host)
      .get('/x')
      .reply(function () {
        dates.push(String(this.req.headers['x-amz-date']));
        return [
          403,
          { message: 'Signature expired' },
          { Date: serverNow.toUTCString(), 'x-amzn-ErrorType': 'InvalidSignatureException' },
        ];
      })
      .get('/x')
      .reply(function () {
        dates.push(String(this.req.headers['x-amz-date']));
        return [200, 'ok'];
      });
    const api = axios.create();
    const signer = attachApigSigner(api, { credentials: fromStatic(TEST_KEYS) });
    await api.get(`${host}/x`);
    expect(Math.abs(signer.clockOffsetMs - 20 * MINUTE)).toBeLessThan(2000);
    const [first, second] = dates.map((d) =>
      Date.parse(d.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z')),
    );
    expect(second! - first!).toBeGreaterThan(19 * MINUTE);
    nock.cleanAll();
  });

  it('learns the offset from the time in the message when CORS hides Date', async () => {
    gateway = await startTestGateway();
    const host = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
    nock(host)
      .get('/x')
      .reply(
        403,
        {
          message:
            'Signature expired: 20200101T000000Z is now earlier than 20300101T115500Z (20300101T120000Z - 5 min.)',
        },
        { 'x-amzn-ErrorType': 'InvalidSignatureException' },
      )
      .get('/x')
      .reply(200, 'ok');
    const api = axios.create();
    const signer = attachApigSigner(api, { credentials: fromStatic(TEST_KEYS) });
    await api.get(`${host}/x`);
    expect(
      Math.abs(Date.now() + signer.clockOffsetMs - Date.parse('2030-01-01T12:00:00Z')),
    ).toBeLessThan(2000);
    nock.cleanAll();
  });
});

describe('attachApigSigner: expired credentials', () => {
  it('drops the cached credentials, fetches fresh ones, re-sends once', async () => {
    const stale = {
      accessKeyId: 'ASIASTALE',
      secretAccessKey: 'stale-secret',
      sessionToken: 'stale-token',
    };
    const fresh = {
      accessKeyId: 'ASIAFRESH',
      secretAccessKey: 'fresh-secret',
      sessionToken: 'fresh-token',
    };
    gateway = await startSigV4Gateway({
      credentials: [{ ...stale, expiration: new Date(Date.now() - 1000) }, fresh],
    });
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce(stale)
      .mockResolvedValue(fresh);
    const { api } = client({ ...signerOptions, credentials: strategy });
    await expect(api.get('/notes')).resolves.toMatchObject({ status: 200 });
    expect(strategy).toHaveBeenCalledTimes(2);
    expect(gateway.requests.map((r) => r.verdict.errorType ?? 'ok')).toEqual([
      'ExpiredTokenException',
      'ok',
    ]);
    await api.get('/notes');
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it('recovers at most once, and the original error reaches the caller', async () => {
    const stale = {
      accessKeyId: 'ASIASTALE',
      secretAccessKey: 'stale-secret',
      sessionToken: 'stale-token',
    };
    gateway = await startSigV4Gateway({ credentials: [{ ...stale, expiration: new Date(0) }] });
    const strategy = jest.fn(() => Promise.resolve(stale));
    const { api } = client({ ...signerOptions, credentials: strategy });
    const error: unknown = await api.get('/notes').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.headers['x-amzn-errortype']).toBe(
      'ExpiredTokenException:'.slice(0, -1),
    );
    expect(gateway.requests).toHaveLength(2);
    expect(strategy).toHaveBeenCalledTimes(2);
  });
});

describe('attachApigSigner: leaves other answers alone', () => {
  it.each([
    [
      'a signature mismatch',
      {
        accessKeyId: TEST_KEYS.accessKeyId,
        secretAccessKey: 'wrong',
        sessionToken: TEST_KEYS.sessionToken,
      },
      403,
    ],
  ])('does not recover %s', async (_name, credentials, status) => {
    gateway = await startTestGateway();
    const { api } = client({ ...signerOptions, credentials });
    const error: unknown = await api.get('/notes').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(status);
    expect(gateway.requests).toHaveLength(1);
  });

  it('does not recover a 500 or a 404', async () => {
    gateway = await startTestGateway({
      handler: (r) => ({ status: r.path.endsWith('500') ? 500 : 404 }),
    });
    const { api } = client();
    await expect(api.get('/500')).rejects.toMatchObject({ response: { status: 500 } });
    await expect(api.get('/404')).rejects.toMatchObject({ response: { status: 404 } });
    expect(gateway.requests).toHaveLength(2);
  });

  it('works with axios-retry installed', async () => {
    let calls = 0;
    gateway = await startTestGateway({
      clockOffsetMs: 10 * MINUTE,
      handler: () => (++calls === 1 ? { status: 503, body: 'busy' } : undefined),
    });
    const api = axios.create({ baseURL: `${gateway.url}/prod` });
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    attachApigSigner(api, signerOptions);
    const response = await api.get('/notes');
    expect(response.status).toBe(200);
    expect(gateway.requests.map((r) => r.verdict.status)).toEqual([403, 200, 200]);
    expect(calls).toBe(2);
  });

  it('eject() removes both interceptors', async () => {
    gateway = await startTestGateway();
    const { api, signer } = client();
    signer.eject();
    const error: unknown = await api.get('/notes').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(403);
    expect(gateway.requests[0]!.verdict.errorType).toBe('MissingAuthenticationTokenException');
  });
});

describe('redirects', () => {
  it('a signed request redirected to another host carries no signature or session token there', async () => {
    gateway = await startTestGateway();
    const received: Array<Record<string, unknown>> = [];
    const other = createServer((req, res) => {
      received.push(req.headers);
      res.end('elsewhere');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as AddressInfo).port;
    const redirector = createServer((req, res) => {
      received.push(req.headers);
      res.writeHead(302, { Location: `http://localhost:${otherPort}/landing` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const port = (redirector.address() as AddressInfo).port;
    try {
      const userHook = jest.fn();
      const api = axios.create({ beforeRedirect: userHook });
      api.interceptors.request.use(apigSigner(signerOptions));
      const response = await api.get(`http://127.0.0.1:${port}/start`);
      expect(response.data).toBe('elsewhere');
      expect(received[0]).toMatchObject({ 'x-amz-security-token': TEST_KEYS.sessionToken });
      expect(received[0]!['authorization']).toMatch(/^AWS4-HMAC-SHA256/);
      for (const name of ['authorization', 'x-amz-security-token', 'x-amz-date']) {
        expect(received[1]![name]).toBeUndefined();
      }
      expect(userHook).toHaveBeenCalledTimes(1);
    } finally {
      redirector.close();
      other.close();
    }
  });
});

describe('apigSigner: debug hook and credentials timeout', () => {
  it('debug shows the canonical request the gateway computed, the token redacted', async () => {
    gateway = await startTestGateway();
    const seen: SigningDebugInfo[] = [];
    const { api } = client({
      ...signerOptions,
      debug: (info) => info.event === 'signed' && seen.push(info),
    });
    await api.post('/notes/a b', { x: 1 }, { params: { q: 'two words' } });
    expect(seen).toHaveLength(1);
    const expected = gateway.requests[0]!.verdict.canonicalRequest!;
    expect(seen[0]!.canonicalRequest).toBe(
      expected.split(TEST_KEYS.sessionToken).join('<redacted>'),
    );
    expect(seen[0]!.stringToSign).toBe(gateway.requests[0]!.verdict.stringToSign);
    expect(JSON.stringify(seen)).not.toContain(TEST_KEYS.sessionToken);
    expect(JSON.stringify(seen)).not.toContain(TEST_KEYS.secretAccessKey);
  });

  it('query-string auth: the token is redacted from the debug canonical request too', async () => {
    gateway = await startTestGateway();
    const seen: SigningDebugInfo[] = [];
    const { api } = client({
      ...signerOptions,
      signQuery: true,
      debug: (info) => info.event === 'signed' && seen.push(info),
    });
    await api.get('/notes');
    expect(seen[0]!.canonicalRequest).toContain('X-Amz-Security-Token=<redacted>');
    expect(JSON.stringify(seen)).not.toContain(encodeURIComponent(TEST_KEYS.sessionToken));
  });

  it('a strategy that hangs fails the request after credentialsTimeoutMs, sending nothing', async () => {
    gateway = await startTestGateway();
    const { api } = client({
      ...signerOptions,
      credentials: () => new Promise<Credentials>(() => undefined),
      credentialsTimeoutMs: 100,
    });
    const error: unknown = await api.get('/notes').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
    expect(gateway.requests).toHaveLength(0);
  });
});
