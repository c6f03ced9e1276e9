import { Readable } from 'node:stream';

import axios from 'axios';

import { attachApigSigner, memoize } from '../../lib';
import type { ApigSignerOptions, Credentials } from '../../lib';
import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';

const MINUTE = 60_000;
const STALE = { accessKeyId: 'ASIASTALE', secretAccessKey: 'stale-secret', sessionToken: 'stale' };
const FRESH = { accessKeyId: 'ASIAFRESH', secretAccessKey: 'fresh-secret', sessionToken: 'fresh' };

let gateway: SigV4Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function uploader(credentials: ApigSignerOptions['credentials']) {
  const api = axios.create({ baseURL: `${gateway!.url}/prod`, adapter: 'http' });
  const signer = attachApigSigner(api, {
    credentials,
    region: 'us-east-1',
    hosts: ['127.0.0.1'],
    unsignedPayload: true,
  });
  const upload = () =>
    api.post('/upload', Readable.from([Buffer.from('the bytes')]), {
      headers: { 'Content-Type': 'application/octet-stream' },
    });
  return { signer, upload };
}

describe('review: a stream that is not replayed still teaches the signer', () => {
  it('clock skew: the upload the message asks for, with a new stream, succeeds', async () => {
    gateway = await startSigV4Gateway({ credentials: [FRESH], clockOffsetMs: 65 * MINUTE });
    const { upload } = uploader({ ...FRESH });
    await expect(upload()).rejects.toMatchObject({ code: 'ERR_BODY_NOT_REPLAYABLE' });
    await expect(upload()).resolves.toMatchObject({ status: 200 });
  });

  it('expired credentials: the upload the message asks for, with a new stream, succeeds', async () => {
    gateway = await startSigV4Gateway({
      credentials: [{ ...STALE, expiration: new Date(0) }, FRESH],
    });
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce({ ...STALE })
      .mockResolvedValue({ ...FRESH });
    const { upload } = uploader(strategy);
    await expect(upload()).rejects.toMatchObject({ code: 'ERR_BODY_NOT_REPLAYABLE' });
    await expect(upload()).resolves.toMatchObject({ status: 200 });
    expect(strategy).toHaveBeenCalledTimes(2);
  });
});

describe('review: memoize per-call options', () => {
  it('a per-call timeoutMs beyond the timer range is refused, not turned into 1 ms', async () => {
    const credentials = memoize(
      () => new Promise((resolve) => setTimeout(() => resolve({ ...FRESH }), 50)),
    );
    await expect(credentials({ timeoutMs: 2 ** 31 })).rejects.toMatchObject({
      code: 'ERR_CONFIGURATION',
    });
  });

  it('a late answer from a call older than refused credentials does not refill the cache', async () => {
    const OLD = { accessKeyId: 'ASIAOLD', secretAccessKey: 'old-secret', sessionToken: 'old' };
    const NEWER = { accessKeyId: 'ASIANEWER', secretAccessKey: 'newer', sessionToken: 'newer' };
    let releaseOld: (c: Credentials) => void = () => undefined;
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockImplementationOnce(() => new Promise((resolve) => (releaseOld = resolve)))
      .mockResolvedValueOnce({ ...FRESH })
      .mockResolvedValue({ ...NEWER });
    const credentials = memoize(strategy);
    await expect(credentials({ timeoutMs: 5 })).rejects.toMatchObject({
      code: 'ERR_CREDENTIALS_TIMEOUT',
    });
    const refused = await credentials();
    expect(refused.accessKeyId).toBe('ASIAFRESH');
    // AWS refused them: drop them. Then the first, abandoned call answers at last.
    credentials.invalidate(refused);
    releaseOld({ ...OLD, expiration: new Date(Date.now() + 60 * MINUTE) });
    await new Promise((resolve) => setImmediate(resolve));
    await expect(credentials()).resolves.toMatchObject({ accessKeyId: 'ASIANEWER' });
  });
});
