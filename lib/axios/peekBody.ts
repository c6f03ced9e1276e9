import { AxiosHeaders } from 'axios';
import type { AxiosResponse } from 'axios';

/** AWS's own error answers are a few hundred bytes: no more than this is read to judge one. */
const PEEK_LIMIT = 16_384;

type Chunk = Uint8Array | string;
type Read = IteratorResult<Chunk, undefined>;

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

interface NodeReadable extends AsyncIterable<Chunk, undefined> {
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

/**
 * How long the start of a stream body is waited for. AWS sends its error answer with its head;
 * a 403 whose body does not come within this is handed on unjudged, as axios would hand it on.
 */
const PEEK_TIMEOUT_MS = 1_000;

/** What was read of an answer, and the answer to hand on in its place. */
export interface Peeked {
  /** The first bytes of the body, or the body as the adapter gave it when already in memory. */
  data: unknown;
  /** An equivalent answer whose body still starts at its first byte. */
  response: AxiosResponse;
  /** Frees what the answer still holds (the rest of a stream), when it is not handed on. */
  discard(): void;
  /** The body did not come within the bound, or broke: `data` is only its start, not to be judged. */
  late?: true;
}

/**
 * Reads the start of an answer's body, at most 16 KiB, whatever the `responseType`: a string, a
 * buffer or parsed JSON as they are; a Blob by slicing it (it can be read again); a Node or web
 * stream that carries `x-amzn-ErrorType` or states a `Content-Length` of at most 16 KiB by
 * reading its first chunks, then handing on a stream that gives those chunks and the rest (any
 * other stream is handed on unread). The caller's answer is unchanged but for being a new stream
 * object.
 *
 * A stream is read for at most a second (`PEEK_TIMEOUT_MS`): a body that stalls or trickles
 * past it, or breaks, is marked `late`, and handed on with what was read and everything after it
 * (a read still under way, or its error, included); it is never judged, so recovery never acts
 * on half an answer. The
 * call's own deadline, when sooner, still ends the call first.
 */
export async function peekBody(response: AxiosResponse): Promise<Peeked> {
  const data: unknown = response.data;
  const none = { data, response, discard: () => undefined };
  if (typeof data !== 'object' || data === null) return none;
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    return { ...none, data: new Uint8Array(await data.slice(0, PEEK_LIMIT).arrayBuffer()) };
  }
  const web = typeof ReadableStream !== 'undefined' && data instanceof ReadableStream;
  // A stream is read only when it may be AWS's error answer: the body of any other 403 may
  // trickle or never end (a long-lived stream the caller means to read), and is handed on at
  // once, as axios does.
  if (!(web || isNodeReadable(data)) || !mayBeAwsError(response)) return none;
  const source = web
    ? (data as ReadableStream<Chunk>).getReader()
    : (data as NodeReadable)[Symbol.asyncIterator]();
  const pull = (): Promise<Read> =>
    'read' in source ? (source.read() as Promise<Read>) : source.next();
  /** A read the bound overtook: the rest starts with it. */
  let pending: Promise<Read> | undefined;
  let timer: unknown;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, PEEK_TIMEOUT_MS);
  });
  const chunks: Chunk[] = [];
  let size = 0;
  let done = false;
  let late = false;
  while (!done && size < PEEK_LIMIT) {
    pending = pull();
    // A body that breaks is not judged either: its error meets the caller where it is read.
    const read = await Promise.race([pending, bound]).catch(() => undefined);
    if (read === undefined) {
      late = true;
      break;
    }
    pending = undefined;
    if (read.done === true) done = true;
    else {
      chunks.push(read.value);
      size += read.value.length;
    }
  }
  clearTimeout(timer as never);
  /** The chunks read, then the rest of the body, the read the bound overtook first. */
  async function* rest(): AsyncGenerator<Chunk> {
    yield* chunks;
    while (!done) {
      const read = await (pending ?? pull());
      pending = undefined;
      if (read.done === true) done = true;
      else yield read.value;
    }
  }
  const body = rest();
  let node: unknown;
  if (!web) {
    // The caller's destroy() frees the answer under it (its socket) at once: the generator's
    // own ending would wait for a read that a stalled body never completes, and leaves it open.
    const out = (data as NodeReadable).constructor.from(body, { objectMode: false }) as {
      _destroy: (error: unknown, callback: unknown) => void;
    };
    const own = out._destroy.bind(out);
    out._destroy = (error, callback) => {
      if (!done) (data as NodeReadable).destroy();
      own(error, callback);
    };
    node = out;
  }
  const peeked: Peeked = {
    data: concat(chunks),
    response: {
      ...response,
      data: web
        ? new ReadableStream<Chunk>({
            async pull(controller) {
              const read = await body.next();
              if (read.done === true) controller.close();
              else controller.enqueue(read.value);
            },
            cancel: (reason) => (source as ReadableStreamDefaultReader).cancel(reason),
          })
        : node,
    },
    discard: web
      ? () => void (source as ReadableStreamDefaultReader).cancel().catch(() => undefined)
      : () => {
          (data as NodeReadable).destroy();
        },
  };
  if (late) peeked.late = true;
  return peeked;
}
