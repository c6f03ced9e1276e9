import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import axios from 'axios';

import { apigSigner } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { TEST_KEYS, startTestGateway } from '../helpers/setup';

const signerOptions = { credentials: { ...TEST_KEYS }, region: 'us-east-1', hosts: ['127.0.0.1'] };
const SIGNER_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token'];

let gateway: SigV4Gateway;
let other: Server;
let otherUrl: string;
const received: IncomingHttpHeaders[] = [];

beforeEach(async () => {
  received.length = 0;
  gateway = await startTestGateway({
    handler: (r) =>
      r.path === '/prod/moved'
        ? { status: 302, headers: { location: `${otherUrl}/x` } }
        : undefined,
  });
  other = createServer((req, res) => {
    received.push(req.headers);
    res.end('elsewhere');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await gateway.close();
  await new Promise((resolve) => other.close(resolve));
});

const leaked = () =>
  received.flatMap((headers) => SIGNER_HEADERS.filter((name) => headers[name] !== undefined));

describe('review: dispatch guard bypasses by an interceptor that runs after the signer', () => {
  it('one that sets its own beforeRedirect (http adapter): no signer header follows a redirect away', async () => {
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter: 'http' });
    api.interceptors.request.use((config) => {
      // e.g. a logging interceptor that records redirects
      config.beforeRedirect = () => undefined;
      return config;
    });
    api.interceptors.request.use(apigSigner(signerOptions));
    await api.get('/moved').catch(() => undefined);
    expect(received).toHaveLength(1);
    expect(leaked()).toEqual([]);
  });

  it('one that switches the adapter and the URL: nothing signed leaves for the new host', async () => {
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter: 'http' });
    api.interceptors.request.use((config) => {
      config.adapter = 'fetch';
      config.url = `${otherUrl}/stolen`;
      return config;
    });
    api.interceptors.request.use(apigSigner(signerOptions));
    await api.get('/notes').catch(() => undefined);
    expect(leaked()).toEqual([]);
  });

  it('one that sets an empty params object on a query-signed request: still sent', async () => {
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter: 'http' });
    api.interceptors.request.use((config) => {
      config.params = { ...(config.params as object | undefined) };
      return config;
    });
    api.interceptors.request.use(apigSigner({ ...signerOptions, signQuery: true }));
    const response = await api.get('/notes', { params: { q: 'a b' } });
    expect(response.status).toBe(200);
  });
});
