import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as realTimers from 'node:timers';

import axios from 'axios';

import { CliError } from '../../cli/src/exitCodes';
import { readBody } from '../../cli/src/readBody';
import type { Upload } from '../../cli/src/upload';
import { apigSigner } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { drain } from '../helpers/cli';
import { TEST_KEYS, describeWith, signedClient, startTestGateway } from '../helpers/setup';
import { fakeSetTimeout, settleWithFakeTimers, startSignedOrigin } from '../helpers/stalledOrigin';

/** Closed after each test. */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  jest.useRealTimers();
  for (const close of closers.splice(0)) await close();
});

/** A server on the signed origin (127.0.0.1) whose every answer is `answer`'s. */
const signedOrigin = (answer: (res: ServerResponse) => void) =>
  startSignedOrigin(answer, (close) => closers.push(close));

/** Whether `promise` settles within `ms` of real time. */
const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => realTimers.setTimeout(() => resolve(false), ms)),
  ]);

describeWith('http')('session 6 review: a peeked 403 stream body (http adapter)', () => {
  const signer = () =>
    apigSigner({ credentials: { ...TEST_KEYS }, region: 'us-east-1', hosts: ['127.0.0.1'] });

  it.each([
    ['stalls past the peek bound', false],
    ['is larger than the peek (16 KiB read, the rest unread)', true],
  ])(
    'a 403 body that %s: destroying the stream handed on frees the connection',
    async (_, large) => {
      const origin = await signedOrigin((res) => {
        res.writeHead(403, {
          'content-type': 'application/json',
          'x-amzn-ErrorType': 'AccessDeniedException',
        });
        res.write(large ? `{"message":"${'x'.repeat(40_000)}` : '{"message":"');
        // ...and nothing more: the rest never comes.
      });
      const api = axios.create({ baseURL: origin.url, adapter: 'http' });
      api.interceptors.request.use(signer());
      fakeSetTimeout();
      const outcome = await settleWithFakeTimers(
        api.get('/feed', { responseType: 'stream', validateStatus: () => true }),
        { steps: 50 },
      );
      jest.useRealTimers();
      expect(outcome).not.toBe('held');
      const { status, data } = outcome as Exclude<typeof outcome, 'held'>;
      expect(status).toBe(403);
      // The caller gives up on the body, as with any stream axios hands it: the connection
      // under it must go too, not stay open until the server drops it.
      (data as Readable).destroy();
      expect(await within(origin.closed(), 1_000)).toBe(true);
    },
  );
});

describeWith('http')(
  'session 6 review: a 403 stream body cut off while peeked (http adapter)',
  () => {
    it('the 403 is handed on as without the signer (its stream fails where it is read), and no peek timer is left', async () => {
      const origin = await signedOrigin((res) => {
        res.writeHead(403, {
          'x-amzn-ErrorType': 'InvalidSignatureException',
          'content-length': '100',
        });
        res.write('{"message":"Signature');
        // The connection breaks before the body's end (real time: only setTimeout is faked).
        realTimers.setTimeout(() => res.socket?.destroy(), 30);
      });
      const api = axios.create({ baseURL: origin.url, adapter: 'http' });
      api.interceptors.request.use(
        apigSigner({ credentials: { ...TEST_KEYS }, region: 'us-east-1', hosts: ['127.0.0.1'] }),
      );
      fakeSetTimeout();
      const call = api.get('/feed', { responseType: 'stream', validateStatus: () => true }).then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
      // Real time for the break to happen, the fake clock held still: the peek's bound never fires.
      let outcome: Awaited<typeof call> | undefined;
      void call.then((settled) => {
        outcome = settled;
      });
      for (let i = 0; i < 100 && outcome === undefined; i += 1) {
        await new Promise((resolve) => realTimers.setTimeout(resolve, 10));
      }
      const timersLeft = jest.getTimerCount();
      jest.useRealTimers();
      expect(outcome).toMatchObject({ response: { status: 403 } });
      expect(timersLeft).toBe(0);
      const data = (outcome as { response: { data: Readable } }).response.data;
      await expect(
        (async () => {
          for await (const chunk of data) expect(chunk).toBeDefined();
        })(),
      ).rejects.toThrow();
    });
  },
);

describe('session 6 review: CLI uploads from files', () => {
  let files: string;
  beforeAll(() => {
    files = mkdtempSync(join(tmpdir(), 'apig-signer-review-'));
  });
  afterAll(() => rmSync(files, { recursive: true, force: true }));

  it('-d @file whose last chunk is only line breaks (dropped): the bytes that changed never all go out', async () => {
    const path = join(files, 'text.txt');
    // 64 KiB (one read of the file) of text, then a line feed alone in the last read, which
    // `-d` drops: the body's last chunk is empty.
    writeFileSync(path, `${'a'.repeat(65_536)}\n`);
    const body = await readBody(
      { data: [{ kind: 'data', value: `@${path}` }], uploadFile: undefined, get: false },
      Readable.from([]),
    );
    const upload = body?.content as Upload;
    try {
      expect(upload.length).toBe(65_536);
      // Changed in place after the first pass: same length, other bytes.
      writeFileSync(path, 'X', { flag: 'r+' });
      const { bytes, error } = await drain(upload.open());
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ exitCode: 26 });
      // With Content-Length, every byte let through would make the request complete.
      expect(bytes.length).toBeLessThan(upload.length);
    } finally {
      await upload.close();
    }
  });

  it('--data-binary @<(command), a pipe: read once, copied, sent as it came (curl reads it; ESPIPE before)', async () => {
    const fifo = join(files, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // The command at the other end writes, then ends.
    const writer = createWriteStream(fifo);
    writer.end('from a pipe');
    const body = await readBody(
      { data: [{ kind: 'binary', value: `@${fifo}` }], uploadFile: undefined, get: false },
      Readable.from([]),
    );
    const upload = body?.content as Upload;
    try {
      expect(upload).toMatchObject({
        length: 11,
        sha256: createHash('sha256').update('from a pipe').digest('hex'),
      });
      // Sent again (a redirect, --retry): the same bytes, from the copy.
      for (let i = 0; i < 2; i += 1) {
        expect((await drain(upload.open())).bytes.toString()).toBe('from a pipe');
      }
    } finally {
      await upload.close();
    }
  });
});

describe('session 6 review: payloadHash never goes with a body other than the one it hashes', () => {
  const BYTES = Buffer.from('the bytes hashed');
  const HASH = createHash('sha256').update(BYTES).digest('hex');
  const stream = () => Readable.from([BYTES]);
  let gateway: SigV4Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it.each(['http', 'fetch'] as const)(
    '%s: a 307 on the signed origin is the answer; the stream and its hash are not sent again',
    async (adapter) => {
      gateway = await startTestGateway({
        handler: (request) =>
          request.path === '/prod/a'
            ? { status: 307, headers: { Location: '/prod/b' } }
            : undefined,
      });
      const response = await signedClient(gateway, adapter).put('/a', stream(), {
        apigSigner: { payloadHash: HASH },
        validateStatus: () => true,
      });
      expect(response.status).toBe(307);
      expect(gateway.requests.map((r) => [r.path, r.verdict.accepted])).toEqual([
        ['/prod/a', true],
      ]);
    },
  );

  it('a 303 after the upload: a GET without the body, signed without its hash', async () => {
    gateway = await startTestGateway({
      handler: (request) =>
        request.path === '/prod/a' ? { status: 303, headers: { Location: '/prod/b' } } : undefined,
    });
    const response = await signedClient(gateway, 'http').put('/a', stream(), {
      apigSigner: { payloadHash: HASH },
    });
    expect(response.status).toBe(200);
    expect(
      gateway.requests.map((r) => [r.method, r.path, r.body.length, r.verdict.accepted]),
    ).toEqual([
      ['PUT', '/prod/a', BYTES.length, true],
      ['GET', '/prod/b', 0, true],
    ]);
  });

  it('AWS refuses the device clock: not re-sent (ERR_BODY_NOT_REPLAYABLE), nor re-sent by a retry of its config', async () => {
    gateway = await startTestGateway({ clockOffsetMs: 20 * 60_000 });
    const api = signedClient(gateway, 'http');
    const error: unknown = await api
      .put('/a', stream(), { apigSigner: { payloadHash: HASH } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BODY_NOT_REPLAYABLE' });
    expect(gateway.requests).toHaveLength(1);
    // axios-retry's way: the same config (the stream already read) sent again.
    const config = (error as { config: object }).config;
    await expect(api.request(config)).rejects.toMatchObject({ code: 'ERR_BODY_NOT_REPLAYABLE' });
    expect(gateway.requests).toHaveLength(1);
    // A new stream of the same bytes, with the same hash: right the first time (clock learnt).
    await expect(
      api.put('/a', stream(), { apigSigner: { payloadHash: HASH } }),
    ).resolves.toMatchObject({ status: 200 });
  });
});

describe('session 6 review: clock skew on HEAD, calls in flight together', () => {
  let gateway: SigV4Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it.each(['http', 'fetch'] as const)(
    '%s: three HEADs signed with a clock 10 minutes off each heal and succeed, whichever answer comes first',
    async (adapter) => {
      gateway = await startTestGateway({ clockOffsetMs: 10 * 60_000 });
      const api = signedClient(gateway, adapter);
      const answers = await Promise.all(
        [1, 2, 3].map((i) => api.head(`/h/${i}`, { validateStatus: () => true })),
      );
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    },
  );
});
