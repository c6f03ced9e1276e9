import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import axios from 'axios';
import type { AxiosAdapter, InternalAxiosRequestConfig } from 'axios';

import { apigSigner } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { TEST_KEYS, itWith, startTestGateway } from '../helpers/setup';
import { startOtherOrigin } from '../helpers/otherOrigin';
import type { OtherOrigin } from '../helpers/otherOrigin';

// The redirect follower axios itself uses (a dependency of axios); it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const followRedirects = require('follow-redirects') as { http: unknown };

let gateway: SigV4Gateway | undefined;
let other: OtherOrigin | undefined;
afterEach(async () => {
  await gateway?.close();
  await other?.close();
  gateway = undefined;
  other = undefined;
});

const signerHeaders = (headers: IncomingHttpHeaders) =>
  ['authorization', 'x-amz-security-token', 'x-amz-date'].filter((n) => headers[n] !== undefined);

async function redirectAway() {
  other = await startOtherOrigin();
  gateway = await startTestGateway({
    handler: () => ({ status: 302, headers: { Location: `${other!.url}/landing` } }),
  });
}

const signer = () =>
  apigSigner({
    region: 'us-east-1',
    hosts: ['127.0.0.1'],
    credentials: { ...TEST_KEYS },
  });

describe('review: no signer header follows a redirect away, whatever adapter the app wraps', () => {
  itWith('fetch')('an app adapter that wraps axios’s fetch adapter (logging)', async () => {
    await redirectAway();
    const fetchAdapter = axios.getAdapter('fetch');
    const logged: AxiosAdapter = (config: InternalAxiosRequestConfig) => fetchAdapter(config);
    const api = axios.create({ baseURL: `${gateway!.url}/prod`, adapter: logged });
    api.interceptors.request.use(signer());
    await api.get('/start');
    expect(other!.received).toHaveLength(1);
    expect(signerHeaders(other!.received[0]!.headers)).toEqual([]);
  });

  it('http adapter with the app’s own follow-redirects transport', async () => {
    await redirectAway();
    const api = axios.create({
      baseURL: `${gateway!.url}/prod`,
      adapter: 'http',
      transport: followRedirects.http,
    });
    api.interceptors.request.use(signer());
    await api.get('/start');
    expect(other!.received).toHaveLength(1);
    expect(signerHeaders(other!.received[0]!.headers)).toEqual([]);
  });
});

describe('review: a stream 403 whose body never ends is handed on, as axios does', () => {
  it.each(['http', 'fetch'] as const)(
    '%s adapter, responseType stream, no timeout',
    async (adapter) => {
      // The signed origin answers 403 and then holds the body open: a long-lived stream.
      const server = createServer((_req, res) => {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.write('{"message":');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const api = axios.create({ adapter, responseType: 'stream' });
        api.interceptors.request.use(signer());
        const controller = new AbortController();
        const outcome = api
          .get(`http://127.0.0.1:${port}/feed`, { signal: controller.signal })
          .then(
            () => 'resolved',
            (error: unknown) =>
              (error as { response?: { status: number } }).response?.status ?? 'no answer',
          );
        // With the fix it settles as soon as the head arrives; the timer only bounds a failure.
        let timer: NodeJS.Timeout | undefined;
        const held = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('still held after 2 s'), 2000);
        });
        const early = await Promise.race([outcome, held]);
        clearTimeout(timer);
        controller.abort();
        await outcome;
        expect(early).toBe(403);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});

describe('review: the fetch follower drops what fetch itself drops on a redirect away', () => {
  itWith('fetch')('Cookie and Proxy-Authorization do not reach another origin', async () => {
    await redirectAway();
    const api = axios.create({ baseURL: `${gateway!.url}/prod`, adapter: 'fetch' });
    api.interceptors.request.use(signer());
    await api.get('/start', {
      headers: { Cookie: 'sid=secret', 'Proxy-Authorization': 'Basic x' },
    });
    expect(other!.received).toHaveLength(1);
    const { headers } = other!.received[0]!;
    expect([headers['cookie'], headers['proxy-authorization']]).toEqual([undefined, undefined]);
  });
});
