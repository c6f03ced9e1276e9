import { Readable } from 'node:stream';

import axios from 'axios';

import { attachApigSigner } from '../../lib';
import type { Credentials } from '../../lib';
import { createCognitoAuth } from '../../lib/cognito';
import { startCognitoEmulator, startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { ALICE } from '../helpers/cognito';
import { useNock } from '../helpers/nock';
import { ALL_ADAPTERS, TEST_KEYS, itEachAdapter, startTestGateway } from '../helpers/setup';
import type { AdapterName } from '../helpers/setup';

const nock = useNock();

const MINUTE = 60_000;
const STALE = { accessKeyId: 'ASIASTALE', secretAccessKey: 'stale-secret', sessionToken: 'stale' };
const FRESH = { accessKeyId: 'ASIAFRESH', secretAccessKey: 'fresh-secret', sessionToken: 'fresh' };

let gateway: SigV4Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function client(
  credentials: Parameters<typeof attachApigSigner>[1] extends infer O
    ? O extends { credentials?: infer C }
      ? C
      : never
    : never,
  extra: Parameters<typeof attachApigSigner>[1] = {},
  adapter: AdapterName = 'http',
) {
  const api = axios.create({ baseURL: `${gateway!.url}/prod`, adapter });
  const signer = attachApigSigner(api, {
    credentials,
    region: 'us-east-1',
    hosts: ['127.0.0.1'],
    ...extra,
  });
  return { api, signer };
}

/** A strategy that hands out the stale credentials once, then the fresh ones. */
function staleThenFresh() {
  return jest
    .fn<Promise<Credentials>, []>()
    .mockResolvedValueOnce({ ...STALE })
    .mockResolvedValue({ ...FRESH });
}

describe('recovery: only replayable bodies are sent again', () => {
  it('an expired-token answer to a stream upload is not retried: the caller learns why', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ ...STALE, expiration: new Date(0) }, FRESH],
    });
    const strategy = staleThenFresh();
    const { api } = client(strategy, { unsignedPayload: true });
    const upload = Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]);
    const error: unknown = await api
      .post('/upload', upload, { headers: { 'Content-Type': 'application/octet-stream' } })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_BODY_NOT_REPLAYABLE', response: { status: 403 } });
    expect((error as Error).message).toMatch(
      /the stream body cannot be sent twice\. Retry with a new stream/,
    );
    // The one attempt carried the whole body; nothing was sent again with an empty one.
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0]!.body.toString()).toBe('chunk one, chunk two');
    expect(strategy).toHaveBeenCalledTimes(1);
  });

  itEachAdapter(
    ALL_ADAPTERS.map((a) => [a] as const),
    'a Buffer body is sent again byte for byte (%s adapter)',
    async (adapter) => {
      gateway = await startSigV4Gateway({
        credentials: [{ ...STALE, expiration: new Date(0) }, FRESH],
      });
      const { api } = client(staleThenFresh(), {}, adapter);
      const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
      const response = await api.post('/upload', bytes, {
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(response.status).toBe(200);
      expect(gateway.requests.map((r) => r.verdict.errorType ?? 'ok')).toEqual([
        'ExpiredTokenException',
        'ok',
      ]);
      expect(gateway.requests.map((r) => [...r.body])).toEqual([[...bytes], [...bytes]]);
    },
  );
});

describe('recovery: one refresh per expired key', () => {
  it('500 concurrent expired-token answers: every request succeeds, the strategy is called twice', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ ...STALE, expiration: new Date(0) }, FRESH],
    });
    const strategy = staleThenFresh();
    const { api } = client(strategy);
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => api.get(`/notes/${i}`)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(strategy.mock.calls.length).toBeLessThanOrEqual(2);
    const expired = gateway.requests.filter((r) => r.verdict.errorType === 'ExpiredTokenException');
    expect(expired).toHaveLength(500);
    expect(gateway.requests).toHaveLength(1000);
  });

  it('a refusal of credentials already replaced leaves the newer ones cached', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ ...STALE, expiration: new Date(0) }, FRESH],
    });
    const strategy = staleThenFresh();
    const { api } = client(strategy);
    // Two waves: the second starts after the first recovered, with the fresh keys cached.
    await Promise.all(Array.from({ length: 20 }, () => api.get('/a')));
    await Promise.all(Array.from({ length: 20 }, () => api.get('/b')));
    expect(strategy).toHaveBeenCalledTimes(2);
  });
});

describe('recovery reacts to AWS only', () => {
  it("an application's 403 that says its token expired is never retried: a POST runs once", async () => {
    gateway = await startTestGateway({
      handler: () => ({
        status: 403,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'The security token included in the request is expired' }),
      }),
    });
    const strategy = jest.fn(() => Promise.resolve({ ...TEST_KEYS }));
    const { api } = client(strategy);
    const error: unknown = await api.post('/orders', { pay: 10 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(403);
    expect(gateway.requests).toHaveLength(1);
    expect(strategy).toHaveBeenCalledTimes(1);
  });

  it('a forged "Signature expired" with a Date header, without AWS\'s error type, moves no clock', async () => {
    const farFuture = new Date(Date.now() + 400 * 24 * 60 * MINUTE);
    gateway = await startTestGateway({
      handler: () => ({
        status: 403,
        headers: { 'content-type': 'application/json', date: farFuture.toUTCString() },
        body: JSON.stringify({
          message: `Signature expired: 20200101T000000Z is now earlier than 20300101T115500Z (20300101T120000Z - 5 min.)`,
        }),
      }),
    });
    const { api, signer } = client({ ...TEST_KEYS });
    await expect(api.get('/x')).rejects.toMatchObject({ response: { status: 403 } });
    expect(signer.clockOffsetMs).toBe(0);
    expect(gateway.requests).toHaveLength(1);
  });

  it('an AWS JSON error naming ExpiredTokenException in __type is recovered', async () => {
    const host = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
    nock(host)
      .get('/x')
      .reply(403, {
        __type: 'com.amazonaws.coral.service#ExpiredTokenException',
        message: 'The security token included in the request is expired',
      })
      .get('/x')
      .reply(200, 'ok');
    const strategy = staleThenFresh();
    const api = axios.create();
    attachApigSigner(api, { credentials: strategy });
    await expect(api.get(`${host}/x`)).resolves.toMatchObject({ data: 'ok' });
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it('InvalidSignatureException about the signature itself (not its time) is not retried', async () => {
    const host = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
    const scope = nock(host)
      .get('/x')
      .reply(
        403,
        {
          message: 'The request signature we calculated does not match the signature you provided.',
        },
        { 'x-amzn-ErrorType': 'InvalidSignatureException', Date: new Date(0).toUTCString() },
      );
    const api = axios.create();
    const signer = attachApigSigner(api, { credentials: { ...TEST_KEYS } });
    await expect(api.get(`${host}/x`)).rejects.toMatchObject({ response: { status: 403 } });
    expect(signer.clockOffsetMs).toBe(0);
    expect(scope.isDone()).toBe(true);
  });
});

describe('recovery with a wrong device clock (the server keeps the right time)', () => {
  it.each([
    ['65 minutes ahead', -65 * MINUTE, 'Signature not yet current'],
    ['65 minutes behind', 65 * MINUTE, 'Signature expired'],
  ])(
    'device clock %s, 60-minute credentials: at most the first attempt fails, no refetch per request',
    async (_name, serverOffset, refusal) => {
      const serverNow = () => Date.now() + serverOffset;
      // Issued by the server's clock: valid for 60 minutes from the server's now. With the
      // device 65 minutes ahead they look expired on arrival.
      const issued = { ...FRESH, expiration: new Date(serverNow() + 60 * MINUTE) };
      gateway = await startSigV4Gateway({ credentials: [issued], clockOffsetMs: serverOffset });
      const strategy = jest.fn(() => Promise.resolve({ ...issued }));
      const { api, signer } = client(strategy);

      const first = await api.get('/first');
      expect(first.status).toBe(200);
      expect(gateway.requests[0]!.verdict.message).toContain(refusal);
      expect(Math.abs(signer.clockOffsetMs - serverOffset)).toBeLessThan(5000);

      for (let i = 0; i < 10; i += 1) await api.get(`/later/${i}`);
      await Promise.all(Array.from({ length: 20 }, (_, i) => api.get(`/concurrent/${i}`)));
      expect(gateway.requests.filter((r) => !r.verdict.accepted)).toHaveLength(1);
      expect(strategy).toHaveBeenCalledTimes(1);
    },
  );
});

describe('recovery with a wrong device clock, through Cognito', () => {
  it.each([
    ['65 minutes ahead', -65 * MINUTE],
    ['65 minutes behind', 65 * MINUTE],
  ])(
    'device clock %s: sign-in works, at most the first request fails, credentials fetched once',
    async (_name, awsOffset) => {
      // AWS's clock (the gateway's and Cognito's) differs from the device's by awsOffset.
      gateway = await startSigV4Gateway({ credentials: [], clockOffsetMs: awsOffset });
      const cognito = await startCognitoEmulator({
        users: [{ ...ALICE }],
        gateways: [gateway],
        clockOffsetMs: awsOffset,
      });
      try {
        const auth = createCognitoAuth({
          region: cognito.region,
          userPoolId: cognito.userPoolId,
          clientId: cognito.clientId,
          identityPoolId: cognito.identityPoolId,
          endpoints: { userPool: cognito.url, identity: cognito.url },
        });
        await expect(auth.signIn(ALICE.username, ALICE.password)).resolves.toMatchObject({
          username: ALICE.username,
        });
        const api = axios.create({ baseURL: `${gateway.url}/prod` });
        const signer = attachApigSigner(api, {
          credentials: auth.credentials,
          region: 'us-east-1',
          hosts: ['127.0.0.1'],
        });
        await api.get('/first').catch(() => undefined);
        expect(Math.abs(signer.clockOffsetMs - awsOffset)).toBeLessThan(5000);
        for (let i = 0; i < 10; i += 1) {
          await expect(api.get(`/later/${i}`)).resolves.toMatchObject({ status: 200 });
        }
        await Promise.all(Array.from({ length: 20 }, (_, i) => api.get(`/concurrent/${i}`)));
        const refused = gateway.requests.filter((r) => !r.verdict.accepted);
        expect(refused.length).toBeLessThanOrEqual(1);
        expect(cognito.count('GetCredentialsForIdentity')).toBe(1);
      } finally {
        await cognito.close();
      }
    },
  );
});
