import axios from 'axios';

import { apigSigner, attachApigSigner } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { startOtherOrigin } from '../helpers/otherOrigin';
import type { OtherOrigin, ReceivedElsewhere } from '../helpers/otherOrigin';
import { TEST_KEYS, describeEachAdapter, startTestGateway } from '../helpers/setup';

const signerOptions = {
  credentials: { ...TEST_KEYS },
  region: 'us-east-1',
  hosts: ['127.0.0.1'],
};

let gateway: SigV4Gateway;
let other: OtherOrigin;
let otherUrl: string;
let received: ReceivedElsewhere[];

beforeEach(async () => {
  gateway = await startTestGateway();
  other = await startOtherOrigin();
  otherUrl = other.url;
  received = other.received;
});
afterEach(async () => {
  await gateway.close();
  await other.close();
});

const SIGNER_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token'];

describeEachAdapter('signing at dispatch, after every interceptor (%s adapter)', (adapter) => {
  it('an interceptor registered before the signer retargets a request to another host: it leaves unsigned', async () => {
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter });
    api.interceptors.request.use((config) => {
      config.url = `${otherUrl}/stolen`;
      return config;
    });
    api.interceptors.request.use(apigSigner(signerOptions));
    await expect(api.get('/notes')).resolves.toMatchObject({ data: 'elsewhere' });
    expect(received).toHaveLength(1);
    for (const name of SIGNER_HEADERS) expect(received[0]!.headers[name]).toBeUndefined();
    expect(gateway.requests).toHaveLength(0);
  });

  it('attachApigSigner on an instance whose interceptors change baseURL: signed for the host it goes to, or not at all', async () => {
    const api = axios.create({ baseURL: `${otherUrl}/prod`, adapter });
    api.interceptors.request.use((config) => {
      config.baseURL = `${gateway.url}/prod`;
      return config;
    });
    attachApigSigner(api, signerOptions);
    await expect(api.get('/notes')).resolves.toMatchObject({ status: 200 });
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
    expect(received).toHaveLength(0);
  });

  it('params added by an interceptor that runs after the signer are signed', async () => {
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter });
    api.interceptors.request.use((config) => {
      config.params = { page: 2 };
      return config;
    });
    attachApigSigner(api, signerOptions);
    await expect(api.get('/notes')).resolves.toMatchObject({ status: 200 });
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
    expect(gateway.requests[0]!.query).toEqual([['page', '2']]);
  });

  it('interceptors after the signer that leave the URL alone change nothing', async () => {
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter });
    api.interceptors.request.use((config) => {
      config.headers.set('User-Agent', 'tracing/1.0');
      return config;
    });
    attachApigSigner(api, signerOptions);
    await expect(api.get('/notes', { params: { q: 'two words' } })).resolves.toMatchObject({
      status: 200,
    });
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
  });

  it('unsigned requests to other hosts pass through the dispatcher untouched', async () => {
    const api = axios.create({ adapter });
    attachApigSigner(api, signerOptions);
    await expect(api.get(`${otherUrl}/plain`)).resolves.toMatchObject({ data: 'elsewhere' });
    for (const name of SIGNER_HEADERS) expect(received[0]!.headers[name]).toBeUndefined();
  });

  it('a config signed twice (axios-retry, recovery) keeps the adapter it named', async () => {
    const custom = jest.fn(axios.getAdapter(adapter));
    const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter: custom });
    api.interceptors.request.use(apigSigner(signerOptions));
    const first = await api.get('/notes');
    await api.request(first.config);
    expect(custom).toHaveBeenCalledTimes(2);
    expect(gateway.requests.every((r) => r.verdict.accepted)).toBe(true);
  });
});
