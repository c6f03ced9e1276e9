import axios from 'axios';

import { apigSigner } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { startOtherOrigin } from '../helpers/otherOrigin';
import type { OtherOrigin, ReceivedElsewhere } from '../helpers/otherOrigin';
import { TEST_KEYS, startTestGateway } from '../helpers/setup';

const signerOptions = { credentials: { ...TEST_KEYS }, region: 'us-east-1', hosts: ['127.0.0.1'] };
const SIGNER_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token'];

let gateway: SigV4Gateway;
let other: OtherOrigin;
let otherUrl = '';
let received: ReceivedElsewhere[];

beforeEach(async () => {
  other = await startOtherOrigin();
  otherUrl = other.url;
  received = other.received;
  gateway = await startTestGateway({
    handler: (r) =>
      r.path === '/prod/moved'
        ? { status: 302, headers: { location: `${otherUrl}/x` } }
        : undefined,
  });
});
afterEach(async () => {
  await gateway.close();
  await other.close();
});

const leaked = () =>
  received.flatMap(({ headers }) => SIGNER_HEADERS.filter((name) => headers[name] !== undefined));

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
