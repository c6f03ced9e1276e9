import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import * as realTimers from 'node:timers';

import axios from 'axios';
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';

import { apigSigner } from '../../lib';
import type { ApigSignerOptions } from '../../lib';
import { describeEachAdapter, TEST_KEYS } from '../helpers/setup';
import type { AdapterName } from '../helpers/setup';

/** Closed after each test. */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  jest.useRealTimers();
  for (const close of closers.splice(0)) await close();
});

function client(
  url: string,
  adapter: AdapterName,
  defaults: CreateAxiosDefaults = {},
  options: ApigSignerOptions = {},
): AxiosInstance {
  const api = axios.create({ baseURL: url, adapter, ...defaults });
  api.interceptors.request.use(
    apigSigner({
      credentials: { ...TEST_KEYS },
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
      ...options,
    }),
  );
  return api;
}

/** Every byte of a stream answer, Node or web. */
async function textOf(data: unknown): Promise<string> {
  if (data instanceof ReadableStream) return new Response(data).text();
  const chunks: Buffer[] = [];
  for await (const chunk of data as Readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}

/** A server on the signed origin (127.0.0.1) whose every answer is `answer`'s. */
async function signedOrigin(answer: (res: ServerResponse) => void) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
  };
}

/**
 * Only setTimeout is faked (sockets, streams and promises run for real). Advances the fake clock
 * in steps, letting real I/O happen between them, until `outcome` settles; gives up (and says
 * so) after about a second of real time.
 */
async function settleWithFakeTimers<T>(outcome: Promise<T>, stepMs = 200): Promise<T | 'held'> {
  let settled = false;
  const watched = outcome.finally(() => {
    settled = true;
  });
  for (let i = 0; i < 100 && !settled; i += 1) {
    await jest.advanceTimersByTimeAsync(stepMs);
    await new Promise((resolve) => realTimers.setTimeout(resolve, 10));
  }
  return settled ? watched : 'held';
}

const fakeSetTimeout = () => {
  jest.useFakeTimers({
    doNotFake: [
      'Date',
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
    ],
  });
};

describeEachAdapter('dispatch edges: a stalled 403 body from the signed origin (%s)', (adapter) => {
  /** AWS's error type and the start of a clock-skew message, then nothing until `finish`. */
  async function stalled() {
    let response: ServerResponse | undefined;
    const origin = await signedOrigin((res) => {
      response = res;
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-ErrorType': 'InvalidSignatureException',
        date: new Date(Date.now() + 3_600_000).toUTCString(),
      });
      res.write('{"message":"Signature expired: ');
    });
    const finish = () => response?.end('20200101T000000Z is now earlier than …"}');
    return { ...origin, finish };
  }

  it('is handed on after the peek bound, unread and not re-sent, readable whole', async () => {
    const origin = await stalled();
    const api = client(origin.url, adapter, { validateStatus: () => true });
    fakeSetTimeout();
    const outcome = await settleWithFakeTimers(api.get('/feed', { responseType: 'stream' }));
    jest.useRealTimers();
    expect(outcome).not.toBe('held');
    const response = outcome as Exclude<typeof outcome, 'held'>;
    expect(response.status).toBe(403);
    origin.finish();
    expect(await textOf(response.data)).toBe(
      '{"message":"Signature expired: 20200101T000000Z is now earlier than …"}',
    );
    expect(origin.requests()).toBe(1);
  });

  it('the caller’s timeout, sooner than the bound, still wins', async () => {
    const origin = await stalled();
    const api = client(origin.url, adapter);
    fakeSetTimeout();
    const outcome = await settleWithFakeTimers(
      api.get('/feed', { responseType: 'stream', timeout: 300 }).catch((e: unknown) => e),
      100,
    );
    jest.useRealTimers();
    expect(outcome).toMatchObject({ code: 'ECONNABORTED' });
    expect(origin.requests()).toBe(1);
  });
});
