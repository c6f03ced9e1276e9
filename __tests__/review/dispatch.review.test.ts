import type { IncomingHttpHeaders } from 'node:http';

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
