import axios from 'axios';

import { attachApigSigner, fromStatic } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { TEST_KEYS, describeEachAdapter, echoOf, startTestGateway } from '../helpers/setup';
import type { AdapterName } from '../helpers/setup';

const MINUTE = 60_000;

let gateway: SigV4Gateway;
afterEach(async () => {
  await gateway.close();
});

function client(adapter: AdapterName) {
  const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter });
  const signer = attachApigSigner(api, {
    credentials: fromStatic(TEST_KEYS),
    region: 'us-east-1',
    hosts: ['127.0.0.1'],
    signQuery: true,
    expiresIn: 60,
  });
  return { api, signer };
}

/** `X-Amz-Date` of a received query-signed request, as epoch ms. */
function signedAtOf(query: Array<[string, string]>): number {
  const amzDate = query.find(([name]) => name === 'X-Amz-Date')?.[1] ?? '';
  return Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
}

describeEachAdapter('attachApigSigner, signQuery with expiresIn: 60 (%s adapter)', (adapter) => {
  // The gateway's clock is the right one: `clockOffsetMs: +2 min` acts out a device 2 minutes
  // slow, `-2 min` one 2 minutes fast.
  it.each([
    ['2 minutes slow', 2 * MINUTE, 'Signature expired', {}],
    // API Gateway's window reaches 5 minutes either side of X-Amz-Date, so a device 2 minutes
    // fast is refused only by a gateway whose window is shorter.
    ['2 minutes fast', -2 * MINUTE, 'Signature not yet current', { maxSkewMs: MINUTE }],
  ] as const)(
    'a device clock %s: refused once as AWS refuses it, re-signed on the server clock, then right first time',
    async (_, offset, words, gatewayOptions) => {
      gateway = await startTestGateway({ clockOffsetMs: offset, ...gatewayOptions });
      const { api, signer } = client(adapter);

      const response = await api.get('/notes', { params: { page: 2 } });

      expect(response.status).toBe(200);
      expect(echoOf(response.data).query).toContainEqual(['page', '2']);
      const [refused, accepted] = gateway.requests;
      expect(gateway.requests).toHaveLength(2);
      expect(refused!.verdict).toMatchObject({
        accepted: false,
        authMode: 'query',
        errorType: 'InvalidSignatureException',
      });
      expect(refused!.verdict.message).toMatch(new RegExp(`^${words}: `));
      expect(accepted!.verdict).toMatchObject({ accepted: true, authMode: 'query' });
      // The re-send is dated on the server's clock, not the device's.
      expect(Math.abs(signedAtOf(accepted!.query) - (Date.now() + offset))).toBeLessThan(5000);
      expect(Math.abs(signer.clockOffsetMs - offset)).toBeLessThan(2000);

      await api.get('/notes');
      expect(gateway.requests.map((r) => r.verdict.accepted)).toEqual([false, true, true]);
    },
  );

  it('a device clock 2 minutes fast is accepted first time by the 5-minute window of AWS', async () => {
    gateway = await startTestGateway({ clockOffsetMs: -2 * MINUTE });
    const { api, signer } = client(adapter);
    expect((await api.get('/notes')).status).toBe(200);
    expect(gateway.requests.map((r) => r.verdict.accepted)).toEqual([true]);
    expect(signer.clockOffsetMs).toBe(0);
  });

  it('a clock that moves again before the re-send: one re-send only, the caller gets the 403', async () => {
    // The gateway's clock: 2 minutes ahead for the first request, 20 for every later one.
    let calls = 0;
    gateway = await startTestGateway({
      now: () => new Date(Date.now() + (calls++ === 0 ? 2 : 20) * MINUTE),
    });
    const { api } = client(adapter);
    const failure = await api.get('/notes').catch((error: unknown) => error);
    expect(axios.isAxiosError(failure) && failure.response?.status).toBe(403);
    expect(gateway.requests.map((r) => r.verdict.accepted)).toEqual([false, false]);
  });
});
