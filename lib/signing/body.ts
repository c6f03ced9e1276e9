import { SigningError } from '../errors';
import { serializeFormData } from './formData';

/** The body to send and the bytes to sign. */
export interface PreparedBody {
  /** What axios will send (`config.data`). */
  send: unknown;
  /** What is hashed for the signature; `undefined` for no body. */
  sign: string | Uint8Array | ArrayBuffer | undefined;
  /** True when the body is a stream that can only be sent with an unsigned payload. */
  stream: boolean;
}

const hasFunction = (value: object, name: string): boolean =>
  typeof (value as Record<string, unknown>)[name] === 'function';

const isBlob = (value: unknown): value is Blob =>
  typeof Blob !== 'undefined' && value instanceof Blob;

const isSpecFormData = (value: unknown): value is FormData =>
  typeof FormData !== 'undefined' && value instanceof FormData;

/** The `form-data` package's FormData, which axios builds in Node for `postForm`. */
interface NodeFormData {
  getBoundary(): string;
  getBuffer(): Uint8Array;
}
const isNodeFormData = (value: object): value is NodeFormData =>
  hasFunction(value, 'getBoundary') && hasFunction(value, 'getBuffer');

const isStream = (value: object): boolean =>
  hasFunction(value, 'pipe') ||
  (typeof ReadableStream !== 'undefined' && value instanceof ReadableStream);

/** A view over exactly its own bytes (axios sends a view's whole `.buffer`). */
export function exactView(view: ArrayBufferView): ArrayBufferView {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  if (view instanceof DataView) return new DataView(bytes.buffer);
  const Ctor = view.constructor as new (buffer: ArrayBufferLike) => ArrayBufferView;
  return new Ctor(bytes.buffer);
}

export const isNodeBuffer = (value: unknown): boolean =>
  typeof (globalThis as { Buffer?: { isBuffer(v: unknown): boolean } }).Buffer?.isBuffer ===
    'function' &&
  (globalThis as unknown as { Buffer: { isBuffer(v: unknown): boolean } }).Buffer.isBuffer(value);

/** Reads and writes the request's Content-Type while the body is prepared. */
export interface ContentTypeAccess {
  get(): string | undefined;
  set(value: string): void;
}

/**
 * Turns a request body into what is sent and the bytes that are signed, so both are the same:
 * strings and bytes as they are, `URLSearchParams` as form text, a Blob read once (its type as
 * the content type when none is set), a FormData serialised once with our boundary.
 *
 * @throws SigningError `ERR_UNSUPPORTED_BODY` for a body that cannot be sent as bytes.
 */
export function toSignableBody(
  data: unknown,
  contentType: ContentTypeAccess,
): PreparedBody | Promise<PreparedBody> {
  if (data === undefined || data === null) return { send: data, sign: undefined, stream: false };
  if (typeof data === 'string') return { send: data, sign: data, stream: false };
  if (data instanceof URLSearchParams) {
    const text = data.toString();
    return { send: text, sign: text, stream: false };
  }
  if (data instanceof ArrayBuffer) return { send: data, sign: data, stream: false };
  if (isNodeBuffer(data)) return { send: data, sign: data as Uint8Array, stream: false };
  if (ArrayBuffer.isView(data)) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    return { send: bytes.buffer, sign: bytes, stream: false };
  }
  if (isBlob(data)) {
    return data.arrayBuffer().then((buffer): PreparedBody => {
      const bytes = new Uint8Array(buffer);
      if (data.type && !contentType.get()) contentType.set(data.type);
      return { send: bytes.buffer, sign: bytes, stream: false };
    });
  }
  if (isSpecFormData(data)) {
    return serializeFormData(data).then(({ bytes, contentType: multipart }): PreparedBody => {
      contentType.set(multipart);
      return { send: bytes.buffer, sign: bytes, stream: false };
    });
  }
  if (typeof data === 'object') {
    if (isNodeFormData(data)) {
      let bytes: Uint8Array;
      try {
        bytes = data.getBuffer();
      } catch (error) {
        throw new SigningError(
          'ERR_UNSUPPORTED_BODY',
          'This multipart form holds a stream, which cannot be hashed: append Buffers or strings, or use the platform FormData.',
          { cause: error },
        );
      }
      contentType.set(`multipart/form-data; boundary=${data.getBoundary()}`);
      return { send: bytes, sign: bytes, stream: false };
    }
    if (isStream(data)) return { send: data, sign: undefined, stream: true };
  }
  throw new SigningError(
    'ERR_UNSUPPORTED_BODY',
    `The request body is ${
      typeof data === 'object' ? (data.constructor?.name ?? 'an object') : typeof data
    }, which cannot be sent: use a string, ArrayBuffer, typed array, Blob, FormData or URLSearchParams.`,
  );
}
