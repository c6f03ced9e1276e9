import { Readable } from 'node:stream';

import axios from 'axios';
import type { AxiosInstance } from 'axios';

import { attachApigSigner } from '../../lib';
import type { GatewayResponse, ReceivedRequest, SigV4Gateway } from '../../lib/testing';
import { startOtherOrigin } from '../helpers/otherOrigin';
import type { OtherOrigin, ReceivedElsewhere } from '../helpers/otherOrigin';
import { TEST_KEYS, describeWith, startTestGateway } from '../helpers/setup';

const SIGNER_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token'];

let gateway: SigV4Gateway;
let other: OtherOrigin;
let otherUrl: string;
let elsewhere: ReceivedElsewhere[];

/** Routes of the signed origin: path → answer (only validly signed requests reach them). */
let routes: Record<string, (r: ReceivedRequest) => GatewayResponse> = {};

beforeEach(async () => {
  routes = {};
  gateway = await startTestGateway({
    handler: (request) => routes[request.path]?.(request),
  });
  other = await startOtherOrigin();
  otherUrl = other.url;
  elsewhere = other.received;
});
afterEach(async () => {
  await gateway.close();
  await other.close();
});

const to = (status: number, location: string) => (): GatewayResponse => ({
  status,
  headers: { location },
});

function client(
  defaults: Parameters<typeof axios.create>[0] = {},
  options: Partial<Parameters<typeof attachApigSigner>[1]> = {},
): AxiosInstance {
  const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter: 'fetch', ...defaults });
  attachApigSigner(api, {
    credentials: { ...TEST_KEYS },
    region: 'us-east-1',
    hosts: ['127.0.0.1'],
    ...options,
  });
  return api;
}

describeWith('fetch')('redirects of signed requests with the fetch adapter', () => {
  it.each([301, 302, 303, 307, 308])(
    '%d to another origin: followed, with no signature, date or session token',
    async (status) => {
      routes['/prod/start'] = to(status, `${otherUrl}/landing`);
      const response = await client().get('/start');
      expect(response.data).toBe('elsewhere');
      expect(elsewhere).toHaveLength(1);
      for (const name of SIGNER_HEADERS) expect(elsewhere[0]!.headers[name]).toBeUndefined();
    },
  );

  it('307 to another origin re-sends the body there, as the http adapter does, unsigned', async () => {
    routes['/prod/start'] = to(307, `${otherUrl}/landing`);
    await client().post('/start', { order: 1 });
    expect(elsewhere[0]).toMatchObject({ method: 'POST', body: '{"order":1}' });
    for (const name of SIGNER_HEADERS) expect(elsewhere[0]!.headers[name]).toBeUndefined();
  });

  it('302 on the signed origin: the new URL is signed again and accepted', async () => {
    routes['/prod/start'] = to(302, '/prod/landing?x=two%20words');
    routes['/prod/landing'] = () => ({ status: 200, body: 'landed' });
    const response = await client().get('/start');
    expect(response.data).toBe('landed');
    expect(gateway.requests.map((r) => [r.path, r.verdict.accepted])).toEqual([
      ['/prod/start', true],
      ['/prod/landing', true],
    ]);
  });

  it('303 after a POST becomes a signed GET without a body', async () => {
    routes['/prod/orders'] = to(303, '/prod/orders/1');
    routes['/prod/orders/1'] = () => ({ status: 200, body: 'order 1' });
    const response = await client().post('/orders', { pay: 10 });
    expect(response.data).toBe('order 1');
    const [, second] = gateway.requests;
    expect(second).toMatchObject({ method: 'GET' });
    expect(second!.body).toHaveLength(0);
    expect(second!.verdict.accepted).toBe(true);
    expect(second!.headers.find(([n]) => n.toLowerCase() === 'content-type')).toBeUndefined();
  });

  it('307 on the signed origin: the same method and body, signed again', async () => {
    routes['/prod/v1/orders'] = to(307, '/prod/v2/orders');
    routes['/prod/v2/orders'] = () => ({ status: 201, body: 'created' });
    const response = await client().put('/v1/orders', { pay: 10 });
    expect(response.status).toBe(201);
    const [, second] = gateway.requests;
    expect(second).toMatchObject({ method: 'PUT', path: '/prod/v2/orders' });
    expect(second!.body.toString()).toBe('{"pay":10}');
    expect(second!.verdict.accepted).toBe(true);
  });

  it('307 with a stream body is not followed: the body cannot be sent twice', async () => {
    routes['/prod/upload'] = to(307, '/prod/upload2');
    const api = client({}, { unsignedPayload: true });
    const error: unknown = await api
      .post('/upload', Readable.from([Buffer.from('once')]), {
        headers: { 'Content-Type': 'application/octet-stream' },
      })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(307);
    expect(gateway.requests).toHaveLength(1);
  });

  it('honours maxRedirects', async () => {
    routes['/prod/loop'] = to(302, '/prod/loop');
    const error: unknown = await client({ maxRedirects: 3 })
      .get('/loop')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_FR_TOO_MANY_REDIRECTS' });
    expect(gateway.requests).toHaveLength(4);
  });

  it('maxRedirects: 0 hands back the redirect itself', async () => {
    routes['/prod/start'] = to(302, `${otherUrl}/landing`);
    const response = await client({ maxRedirects: 0, validateStatus: () => true }).get('/start');
    expect(response.status).toBe(302);
    expect(elsewhere).toHaveLength(0);
  });

  it("the caller's own fetchOptions.redirect wins", async () => {
    routes['/prod/start'] = to(302, `${otherUrl}/landing`);
    const error: unknown = await client({ fetchOptions: { redirect: 'error' } })
      .get('/start')
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(elsewhere).toHaveLength(0);
  });

  it("validateStatus judges the final answer, and a 4xx there is the caller's error", async () => {
    routes['/prod/start'] = to(302, '/prod/missing');
    routes['/prod/missing'] = () => ({ status: 404, body: 'no such thing' });
    const error: unknown = await client()
      .get('/start')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BAD_REQUEST', response: { status: 404 } });
  });
});
