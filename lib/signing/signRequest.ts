import { isMemoized } from '../credentials/memoize';
import { assertUnexpired, resolveCredentials, toCredentialsProvider } from '../credentials/resolve';
import { describeInvalidCredentials } from '../credentials/validateCredentials';
import { assertTimeoutMs } from '../credentials/timeout';
import type { Credentials, CredentialsProvider } from '../credentials/types';
import { ConfigurationError, CredentialsError, SigningError } from '../errors';
import { assertKnownKeys } from '../options/knownKeys';
import { toSignableBody } from './body';
import { assertScopePart, scopeFromHostname } from './endpoint';
import { SIGNER_HEADERS, isSendableHeaderValue, isSignedHeader } from './headers';
import { assertSha256Option } from './sha256';
import type { Sha256Constructor } from './sha256';
import { signWireRequest } from './signer';
import { PRESIGN_QUERY_PARAMS, parseQuery, toWirePath } from './uri';

/** What {@link signRequest} signs. */
export interface SignRequestInput {
  /**
   * The HTTP method.
   * @defaultValue `'GET'`
   */
  method?: string | undefined;
  /**
   * The absolute URL, query included; or a fetch `Request`, whose method, URL, headers and body
   * are signed (its body is read through a clone, so the `Request` itself stays unread; then
   * leave `method`, `headers` and `body` out).
   */
  url: string | URL | Request;
  /** Request headers (names in any case). */
  headers?: Record<string, string> | Headers | Array<[string, string]> | undefined;
  /** The body: a string, bytes, a Blob, FormData or URLSearchParams. */
  body?:
    string | ArrayBuffer | ArrayBufferView | Blob | FormData | URLSearchParams | null | undefined;
  /** A credentials strategy or plain credentials. Pass a `memoize()`d strategy for repeated calls. */
  credentials: CredentialsProvider | Credentials;
  /**
   * The region.
   * @defaultValue read off AWS endpoint host names; required for other hosts
   */
  region?: string | undefined;
  /**
   * The service.
   * @defaultValue read off AWS endpoint host names, otherwise `execute-api`
   */
  service?: string | undefined;
  /**
   * Sign with query parameters instead of the `Authorization` header.
   * @defaultValue `false`
   */
  signQuery?: boolean | undefined;
  /**
   * With `signQuery`, seconds the URL stays valid (1 to 604800).
   * @defaultValue `300`
   */
  expiresIn?: number | undefined;
  /**
   * Sign `UNSIGNED-PAYLOAD` instead of the body's hash.
   * @defaultValue `false`
   */
  unsignedPayload?: boolean | undefined;
  /**
   * The signing time, for a corrected clock. Credentials' expiry is judged on it too.
   * @defaultValue now
   */
  signingDate?: Date | undefined;
  /**
   * How long to wait for the credentials strategy before failing with `ERR_CREDENTIALS_TIMEOUT`,
   * in milliseconds (1 to 2147483647). A memoised strategy abandons the timed-out call, so the
   * next one starts afresh.
   * @defaultValue `30000`
   */
  credentialsTimeoutMs?: number | undefined;
  /**
   * A SHA-256 hash constructor in the AWS SDK's shape, used instead of the platform's crypto:
   * needed where there is none (React Native; pages on plain http), e.g. `Sha256` from
   * `@aws-crypto/sha256-js`.
   * @defaultValue node:crypto, else WebCrypto
   */
  sha256?: Sha256Constructor | undefined;
}

/** A signed request: send exactly these with any HTTP client. */
export interface SignedRequest {
  /** The upper-case method. */
  method: string;
  /** The URL to request: path and query in the form that was signed. */
  url: string;
  /** Every header to send: the caller's, the content type, and the signature's. */
  headers: Record<string, string>;
  /** The body to send (the bytes that were signed), or `null` for none. */
  body: string | ArrayBuffer | null;
}

const MAX_EXPIRES_IN = 604_800;
const DEFAULT_CREDENTIALS_TIMEOUT_MS = 30_000;
/** `X-Amz-Date` has four digits for the year: 0000-01-01 to 9999-12-31. */
const MIN_SIGNING_TIME = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_SIGNING_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** RFC 9110 §5.6.2 `token`: what a method and a header name may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A fetch `Request` (where the platform has the class). */
export const isRequest = (value: unknown): value is Request =>
  typeof Request !== 'undefined' && value instanceof Request;

/** The signing time, checked: a Date AWS can read as `X-Amz-Date`. */
function signingDateOf(value: unknown): Date {
  if (value === undefined) return new Date();
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (!(time >= MIN_SIGNING_TIME && time <= MAX_SIGNING_TIME)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'signingDate must be a valid Date between the years 0000 and 9999 (for a corrected clock: `new Date(Date.now() + offsetMs)`), or left out for now.',
    );
  }
  return value as Date;
}

function assertBooleanOption(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigurationError('ERR_CONFIGURATION', `\`${name}\` must be true or false.`);
  }
}

/**
 * A fetch `Request` as the parts signRequest signs: its method, URL and headers, and its body
 * read through a clone (a used body cannot be read again, and is refused).
 */
async function fromFetchRequest(input: SignRequestInput & { url: Request }) {
  const request = input.url;
  if (input.method !== undefined || input.headers !== undefined || input.body !== undefined) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'signRequest(): `url` is a Request, which brings its own method, headers and body: leave `method`, `headers` and `body` out, or pass `request.url` with them.',
    );
  }
  if (request.bodyUsed) {
    throw new SigningError(
      'ERR_STREAM_BODY',
      "signRequest(): the Request's body has already been read, so the bytes to sign are gone: sign the Request before it is sent or read, or pass `request.url` with the body as bytes.",
    );
  }
  const body = request.body === null ? undefined : await request.clone().arrayBuffer();
  return {
    method: request.method,
    url: request.url,
    headers: [...request.headers.entries()],
    body,
  };
}

/**
 * Resolves credentials within `timeoutMs`, judging expiry at `signingDate`. A memoised strategy
 * is asked with the timeout, so it abandons a call that hangs; for any other strategy the wait
 * ends and the call is left to finish on its own.
 */
async function credentialsWithin(
  provider: CredentialsProvider,
  timeoutMs: number,
  signingDate: Date,
): Promise<Credentials> {
  if (isMemoized(provider)) {
    return provider({ timeoutMs, clockOffsetMs: signingDate.getTime() - Date.now() });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new CredentialsError(
          'ERR_CREDENTIALS_TIMEOUT',
          `The credentials strategy did not answer within ${timeoutMs} ms; nothing was signed. Check the strategy's network access, or raise \`credentialsTimeoutMs\`.`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      resolveCredentials(provider, describeInvalidCredentials).then((credentials) =>
        assertUnexpired(credentials, signingDate.getTime()),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function headerEntries(headers: SignRequestInput['headers']): Array<[string, string]> {
  if (headers === undefined) return [];
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return [...headers.entries()];
  if (Array.isArray(headers)) return headers;
  return Object.entries(headers as Record<string, string>);
}

/** The body as `fetch` takes it: a string or an ArrayBuffer of exactly the signed bytes. */
function toFetchBody(send: unknown): SignedRequest['body'] {
  if (send === undefined || send === null) return null;
  if (typeof send === 'string' || send instanceof ArrayBuffer) return send;
  const view = send as ArrayBufferView;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice().buffer;
}

/**
 * Builds the wire request for `input` and signs it: shared by signRequest and presignUrl. Every
 * input is checked before the credentials strategy is called, so bad input never costs a fetch
 * nor disturbs a shared cache.
 */
export async function signStandalone(input: SignRequestInput): Promise<SignedRequest> {
  const signingDate = signingDateOf(input.signingDate);
  assertBooleanOption(input.signQuery, 'signQuery');
  assertBooleanOption(input.unsignedPayload, 'unsignedPayload');
  if (isRequest(input.url)) {
    const parts = await fromFetchRequest({ ...input, url: input.url });
    return signStandalone({ ...input, ...parts, signingDate });
  }
  const rawMethod: unknown = input.method ?? 'GET';
  if (typeof rawMethod !== 'string' || !TOKEN.test(rawMethod)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      '`method` must be an HTTP method name such as `GET` or `POST`.',
    );
  }
  let url: URL;
  try {
    url = new URL(input.url);
  } catch (error) {
    throw new ConfigurationError(
      'ERR_INVALID_URL',
      'signRequest(): `url` must be an absolute URL.',
      {
        cause: error,
      },
    );
  }
  const hostScope = scopeFromHostname(url.hostname);
  if (hostScope !== undefined && (url.protocol === 'http:' || url.protocol === 'ws:')) {
    throw new SigningError(
      'ERR_INSECURE_URL',
      `Refusing to sign ${url.protocol}//${url.host}: AWS endpoints are served over TLS (https://, wss://), and without it the signature and session token would travel in clear text.`,
    );
  }
  assertScopePart(input.region, 'region', 'region');
  assertScopePart(input.service, 'service', 'service');
  const region = input.region ?? hostScope?.region;
  if (region === undefined) {
    throw new ConfigurationError(
      'ERR_NO_REGION',
      `No region for host ${url.host}: its region cannot be read off the name. Pass \`region\`.`,
    );
  }
  const service = input.service ?? hostScope?.service ?? 'execute-api';
  const expiresIn = input.expiresIn ?? 300;
  if (!(Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn <= MAX_EXPIRES_IN)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}.`,
    );
  }
  const credentialsTimeoutMs = input.credentialsTimeoutMs ?? DEFAULT_CREDENTIALS_TIMEOUT_MS;
  assertTimeoutMs(credentialsTimeoutMs, 'credentialsTimeoutMs');
  assertSha256Option(input.sha256, 'signRequest()');
  const provider = toCredentialsProvider(input.credentials, 'credentials');

  const headers: Record<string, string> = {};
  for (const [name, value] of headerEntries(input.headers)) {
    if (typeof name !== 'string' || !TOKEN.test(name)) {
      throw new ConfigurationError(
        'ERR_CONFIGURATION',
        `A header name must be an HTTP token (letters, digits and !#$%&'*+.^_\`|~-): ${JSON.stringify(String(name)).slice(0, 40)} is not.`,
      );
    }
    if (SIGNER_HEADERS.includes(name.toLowerCase()) || name.toLowerCase() === 'content-length')
      continue;
    headers[name] = String(value);
  }
  const findContentType = () =>
    Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
  const body = await toSignableBody(input.body, {
    get: () => {
      const name = findContentType();
      return name === undefined ? undefined : headers[name];
    },
    set: (value) => {
      headers[findContentType() ?? 'Content-Type'] = value;
    },
  });
  const unsignedPayload = input.unsignedPayload ?? false;
  if (body.stream) {
    throw new SigningError(
      'ERR_STREAM_BODY',
      'signRequest(): a stream body cannot be hashed; pass bytes.',
    );
  }

  const toSign = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!isSendableHeaderValue(value)) {
      throw new SigningError(
        'ERR_HEADER_VALUE',
        `Header "${name}" holds characters that HTTP cannot carry unchanged: encode the value.`,
      );
    }
    const lower = name.toLowerCase();
    if (!isSignedHeader(lower) || (lower === 'content-type' && body.sign === undefined)) continue;
    toSign.set(lower, value);
  }
  const host = toSign.get('host') ?? url.host;
  toSign.delete('host');

  const query = parseQuery(url.search).filter(
    ([name]) => !PRESIGN_QUERY_PARAMS.has(name.toLowerCase()),
  );
  const path = toWirePath(url.pathname);
  const method = rawMethod.toUpperCase();
  const credentials = await credentialsWithin(provider, credentialsTimeoutMs, signingDate);
  const signed = await signWireRequest(
    {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      host,
      path,
      query,
      headers: [...toSign],
      body: body.sign,
    },
    {
      credentials,
      region,
      service,
      signingDate,
      signQuery: input.signQuery ?? false,
      expiresIn,
      unsignedPayload,
      sha256: input.sha256,
    },
  );
  return {
    method,
    url: `${url.protocol}//${url.host}${path}${signed.search ? `?${signed.search}` : ''}`,
    headers: { ...headers, ...signed.headers },
    body: toFetchBody(body.send),
  };
}

/**
 * Signs one request for any HTTP client (`fetch`, `undici`, `got`, …): the one-call replacement
 * for the copy-pasted `sigV4Client.signRequest`, with the same canonicalisation guarantees as
 * the axios interceptor. Send the returned `url`, `headers` and `body` exactly.
 *
 * Every input is checked before the credentials strategy is called: bad input fails at once,
 * without a fetch, and leaves a shared (memoised) strategy's cache as it was. `url` may be a
 * fetch `Request`: its method, URL, headers and body are signed, the body read through a clone.
 *
 * @param input - the request (or a fetch `Request` as `url`) and the credentials, region and
 *   service to sign it with.
 * @returns the request to send.
 * @throws {@link ConfigurationError} (`ERR_INVALID_URL`, `ERR_NO_REGION`, `ERR_INVALID_CREDENTIALS`,
 * `ERR_CONFIGURATION` for a malformed region, service, timeout, `sha256`, `signingDate`, method,
 * header name or flag, or a `Request` given with `method`, `headers` or `body`),
 * {@link SigningError} (`ERR_HEADER_VALUE`, `ERR_UNSUPPORTED_BODY`, `ERR_STREAM_BODY` for a
 * `Request` whose body was already read, `ERR_INSECURE_URL` for `http://` to an AWS endpoint,
 * `ERR_NO_CRYPTO` in a runtime without crypto when no `sha256` is given) or
 * {@link CredentialsError} (`ERR_CREDENTIALS_TIMEOUT` after `credentialsTimeoutMs`).
 *
 * @example
 * ```ts
 * import { signRequest } from 'apig-signer';
 *
 * const request = await signRequest({
 *   method: 'POST',
 *   url: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes?tag=two words',
 *   headers: { 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ content: 'héllo' }),
 *   credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
 * });
 * const response = await fetch(request.url, request);
 *
 * // A fetch Request works too (it stays unread; send the signed copy).
 * const signed = await signRequest({
 *   url: new Request('https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes', {
 *     method: 'POST',
 *     body: '{"content":"héllo"}',
 *   }),
 *   credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
 * });
 * await fetch(signed.url, signed);
 * ```
 */
export async function signRequest(input: SignRequestInput): Promise<SignedRequest> {
  assertKnownKeys(input, Object.keys(SIGN_REQUEST_KEYS), 'signRequest(input)');
  return signStandalone(input);
}

/** Every key of {@link SignRequestInput}: the type makes sure none is missing. */
const SIGN_REQUEST_KEYS: Record<keyof SignRequestInput, 0> = {
  method: 0,
  url: 0,
  headers: 0,
  body: 0,
  credentials: 0,
  region: 0,
  service: 0,
  signQuery: 0,
  expiresIn: 0,
  unsignedPayload: 0,
  signingDate: 0,
  credentialsTimeoutMs: 0,
  sha256: 0,
};
