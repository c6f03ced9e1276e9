import { AxiosHeaders } from 'axios';
import type { AxiosResponse } from 'axios';

/** AWS's own error answers are a few hundred bytes: no more than this is read to judge one. */
const PEEK_LIMIT = 16_384;

type Chunk = Uint8Array | string;

function concat(chunks: Chunk[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts = chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk));
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

interface NodeReadable extends AsyncIterable<Chunk> {
  pipe: unknown;
  destroy(): void;
  constructor: { from: (source: AsyncIterable<Chunk>, options: object) => unknown };
}

const isNodeReadable = (data: object): data is NodeReadable =>
  typeof (data as { pipe?: unknown }).pipe === 'function' &&
  typeof (data as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' &&
  typeof (data as { constructor?: { from?: unknown } }).constructor?.from === 'function';

/**
 * Whether a stream answer looks like one of AWS's error answers, which carry `x-amzn-ErrorType`
 * or state a small `Content-Length`: only such a stream is read before it is handed on.
 */
function mayBeAwsError(response: AxiosResponse): boolean {
  const headers = AxiosHeaders.from(response.headers as never);
  if (headers.has('x-amzn-errortype')) return true;
  const value = headers.get('content-length');
  const length = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return length <= PEEK_LIMIT;
}

/** What was read of an answer, and the answer to hand on in its place. */
export interface Peeked {
  /** The first bytes of the body, or the body as the adapter gave it when already in memory. */
  data: unknown;
  /** An equivalent answer whose body still starts at its first byte. */
  response: AxiosResponse;
  /** Frees what the answer still holds (the rest of a stream), when it is not handed on. */
  discard(): void;
}

/**
 * Reads the start of an answer's body, at most 16 KiB, whatever the `responseType`: a string, a
 * buffer or parsed JSON as they are; a Blob by slicing it (it can be read again); a Node or web
 * stream that carries `x-amzn-ErrorType` or states a `Content-Length` of at most 16 KiB by
 * reading its first chunks, then handing on a stream that gives those chunks and the rest (any
 * other stream is handed on unread). The caller's answer is unchanged but for being a new stream
 * object.
 */
export async function peekBody(response: AxiosResponse): Promise<Peeked> {
  const data: unknown = response.data;
  const none = { data, response, discard: () => undefined };
  if (typeof data !== 'object' || data === null) return none;
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    return { ...none, data: new Uint8Array(await data.slice(0, PEEK_LIMIT).arrayBuffer()) };
  }
  const isStream =
    (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) ||
    isNodeReadable(data);
  // A stream is read only when it may be AWS's error answer: the body of any other 403 may
  // trickle or never end (a long-lived stream the caller means to read), and reading it would
  // hold the call back, with no timeout, where axios hands the stream on at once.
  if (isStream && !mayBeAwsError(response)) return none;
  const chunks: Chunk[] = [];
  let size = 0;
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) {
    const reader = (data as ReadableStream<Chunk>).getReader();
    let done = false;
    while (!done && size < PEEK_LIMIT) {
      const read = await reader.read();
      done = read.done;
      if (read.value !== undefined) {
        chunks.push(read.value);
        size += read.value.length;
      }
    }
    const stream = new ReadableStream<Chunk>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        if (done) controller.close();
      },
      async pull(controller) {
        const read = await reader.read();
        if (read.done) controller.close();
        else controller.enqueue(read.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return {
      data: concat(chunks),
      response: { ...response, data: stream },
      discard: () => void reader.cancel().catch(() => undefined),
    };
  }
  if (isNodeReadable(data)) {
    const iterator = data[Symbol.asyncIterator]();
    let done = false;
    while (!done && size < PEEK_LIMIT) {
      const read = await iterator.next();
      done = read.done === true;
      if (!done) {
        chunks.push(read.value as Chunk);
        size += (read.value as Chunk).length;
      }
    }
    async function* rest(): AsyncGenerator<Chunk> {
      yield* chunks;
      if (done) return;
      for (;;) {
        const read = await iterator.next();
        if (read.done === true) return;
        yield read.value;
      }
    }
    return {
      data: concat(chunks),
      response: { ...response, data: data.constructor.from(rest(), { objectMode: false }) },
      discard: () => {
        data.destroy();
      },
    };
  }
  return none;
}
