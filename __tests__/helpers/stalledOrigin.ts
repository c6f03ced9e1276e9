// For tests of how dispatch treats answers that stall or trickle: a server on the signed origin
// whose answers the test writes by hand, and fake timers for setTimeout alone, so that the peek
// bound and the caller's timeout can be reached without waiting, while sockets, streams and
// promises run for real.
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as realTimers from 'node:timers';

/**
 * A server on the signed origin (127.0.0.1) whose every answer is `answer`'s. `requests()` counts
 * what it received; `closed()` resolves when the connection of its latest request is closed (by
 * either side). `onClose` receives what ends it (the test file's after-each list).
 */
export async function startSignedOrigin(
  answer: (res: ServerResponse) => void,
  onClose: (close: () => Promise<void>) => void,
): Promise<{ url: string; requests: () => number; closed: () => Promise<void> }> {
  let requests = 0;
  let closed: Promise<void> = new Promise(() => undefined);
  const server = createServer((req, res) => {
    requests += 1;
    closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    req.resume();
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onClose(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    closed: () => closed,
  };
}

/** Fakes setTimeout (and clearTimeout) only: sockets, streams and promises run for real. */
export function fakeSetTimeout(): void {
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
}

/**
 * Advances the fake clock `stepMs` at a time, letting real I/O happen between steps, until
 * `outcome` settles; gives up after `steps` steps (about 10 ms of real time each) and says so.
 */
export async function settleWithFakeTimers<T>(
  outcome: Promise<T>,
  { stepMs = 200, steps = 100 }: { stepMs?: number; steps?: number } = {},
): Promise<T | 'held'> {
  let settled = false;
  const watched = outcome.finally(() => {
    settled = true;
  });
  for (let i = 0; i < steps && !settled; i += 1) {
    await jest.advanceTimersByTimeAsync(stepMs);
    await new Promise((resolve) => realTimers.setTimeout(resolve, 10));
  }
  return settled ? watched : 'held';
}
