import axios from 'axios';
import type { AxiosInstance } from 'axios';

import { attachApigSigner } from '../../lib';
import type { GatewayResponse, ReceivedRequest, SigV4Gateway } from '../../lib/testing';
import { startOtherOrigin } from '../helpers/otherOrigin';
import type { OtherOrigin, ReceivedElsewhere } from '../helpers/otherOrigin';
import { TEST_KEYS, describeEachAdapter, describeWith, startTestGateway } from '../helpers/setup';
import type { AdapterName } from '../helpers/setup';

let gateway: SigV4Gateway;
let other: OtherOrigin;
let otherUrl: string;
let elsewhere: ReceivedElsewhere[];
/** What the other origin answers: path → [status, headers, body]. */
let otherRoutes: OtherOrigin['routes'];
let routes: Record<string, (r: ReceivedRequest) => GatewayResponse> = {};

beforeEach(async () => {
  routes = {};
  gateway = await startTestGateway({ handler: (request) => routes[request.path]?.(request) });
  other = await startOtherOrigin();
  otherUrl = other.url;
  elsewhere = other.received;
  otherRoutes = other.routes;
});
afterEach(async () => {
  await gateway.close();
  await other.close();
});

function client(adapter: AdapterName = 'fetch') {
  const api: AxiosInstance = axios.create({ baseURL: `${gateway.url}/prod`, adapter });
  const signer = attachApigSigner(api, {
    credentials: { ...TEST_KEYS },
    region: 'us-east-1',
    hosts: ['127.0.0.1'],
  });
  return { api, signer };
}

const authorizationOf = (r: ReceivedRequest) =>
  r.headers.find(([name]) => name.toLowerCase() === 'authorization');

describeWith('fetch')('review: fetch redirect follower', () => {
  it('a PUT answered 302 on the signed origin keeps its body, as the http adapter and fetch do', async () => {
    routes['/prod/v1/doc'] = () => ({ status: 302, headers: { location: '/prod/v2/doc' } });
    routes['/prod/v2/doc'] = () => ({ status: 200, body: 'stored' });
    await client('fetch').api.put('/v1/doc', { text: 'keep me' });
    const [, second] = gateway.requests;
    expect(second).toMatchObject({ method: 'PUT', path: '/prod/v2/doc' });
    // Without the body, the PUT at the new URL stores nothing and still answers 200.
    expect(second!.body.toString()).toBe('{"text":"keep me"}');
    expect(second!.verdict.accepted).toBe(true);
  });

  it('a chain that leaves the signed origin and comes back is not signed again on its return', async () => {
    // The other origin, which never saw a signature, picks where the request goes on the signed
    // one; the http adapter sends that hop unsigned (its signer headers were dropped on leaving).
    routes['/prod/start'] = () => ({ status: 307, headers: { location: `${otherUrl}/bounce` } });
    otherRoutes['/bounce'] = () => [307, { location: `${gateway.url}/prod/admin/delete-all` }, ''];
    routes['/prod/admin/delete-all'] = () => ({ status: 200, body: 'deleted' });
    await client('fetch')
      .api.post('/start', { a: 1 }, { validateStatus: () => true })
      .catch(() => undefined);
    const returned = gateway.requests.find((r) => r.path === '/prod/admin/delete-all');
    expect(returned).toBeDefined();
    expect(authorizationOf(returned!)).toBeUndefined();
    expect(returned!.verdict.accepted).toBe(false);
  });

  it('a hop that fails leaves the original config on the error, so a re-send starts over', async () => {
    // axios-retry and similar re-send error.config: it must be the caller's request, not a hop
    // with `redirect: 'manual'` and every status accepted.
    routes['/prod/start'] = () => ({ status: 302, headers: { location: '/prod/middle' } });
    let middle = 0;
    routes['/prod/middle'] = () => {
      middle += 1;
      return middle === 1
        ? { status: 302, headers: { location: 'http://127.0.0.1:1/refused' } }
        : { status: 302, headers: { location: '/prod/end' } };
    };
    routes['/prod/end'] = () => ({ status: 200, body: 'end' });
    const { api } = client('fetch');
    const error: unknown = await api.get('/start').catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    const resent = await api.request((error as { config: object }).config);
    expect(resent.status).toBe(200);
    expect(resent.data).toBe('end');
  });
});

describeWith('fetch')('review: the fetch adapter named by its function', () => {
  it('axios.getAdapter("fetch") as the adapter: a redirect away carries no signer header', async () => {
    routes['/prod/start'] = () => ({ status: 302, headers: { location: `${otherUrl}/landing` } });
    const api = axios.create({
      baseURL: `${gateway.url}/prod`,
      adapter: axios.getAdapter('fetch'),
    });
    attachApigSigner(api, {
      credentials: { ...TEST_KEYS },
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
    });
    await api.get('/start');
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0]!.headers['x-amz-security-token']).toBeUndefined();
    expect(elsewhere[0]!.headers['x-amz-date']).toBeUndefined();
  });
});

describeEachAdapter('review: answers from another origin after a redirect (%s)', (adapter) => {
  it('a 403 from the redirect target, which got no signature, neither moves the clock nor retries', async () => {
    routes['/prod/start'] = () => ({ status: 302, headers: { location: `${otherUrl}/landing` } });
    otherRoutes['/landing'] = () => [
      403,
      { 'content-type': 'application/json', 'x-amzn-ErrorType': 'InvalidSignatureException' },
      JSON.stringify({
        message:
          'Signature expired: 20200101T000000Z is now earlier than 20300101T115500Z (20300101T120000Z - 5 min.)',
      }),
    ];
    const { api, signer } = client(adapter);
    await expect(api.get('/start')).rejects.toMatchObject({ response: { status: 403 } });
    expect(signer.clockOffsetMs).toBe(0);
    expect(elsewhere).toHaveLength(1);
  });
});

describeEachAdapter('review: query signing and a redirect away (%s)', (adapter) => {
  it('a Location that echoes the signed query does not carry the session token away', async () => {
    // A moved API that keeps the query string, as redirects commonly do.
    routes['/prod/start'] = (r) => ({
      status: 301,
      headers: { location: `${otherUrl}/landing?${r.rawQuery}` },
    });
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter });
    attachApigSigner(api, {
      credentials: { ...TEST_KEYS },
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
      signQuery: true,
    });
    await api.get('/start', { params: { page: 2 } });
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0]!.url).toContain('page=2');
    expect(elsewhere[0]!.url).not.toMatch(/x-amz-security-token|x-amz-signature/i);
  });
});
