import { ConfigurationError } from '../../errors';
import { DEFAULT_GATEWAY_CREDENTIALS } from './credentials';
import type { GatewayCredentials } from './credentials';
import { rawRequestOf } from './rawRequest';
import type { GatewayVerdict } from './verdict';
import { judge } from './verify';

/**
 * Header lines: a plain object (`{ name: value }`, as Node's `IncomingHttpHeaders` or nock's
 * `this.req.headers`; an array value is one line per element), or any iterable of
 * `[name, value]` pairs (raw lines in order, a fetch `Headers`).
 */
export type SigV4Headers =
  | Readonly<Record<string, string | number | ReadonlyArray<string> | undefined>>
  | Iterable<readonly [string, string]>;

/** A request as an HTTP client sent it, for {@link verifySigV4}. */
export interface SigV4Request {
  /** The method as sent, such as `'POST'` (case matters: SigV4 signs it as it is). */
  method: string;
  /**
   * The URL as sent: absolute (`https://api.example.com/prod/notes?a=1`) or the request target
   * alone (`/prod/notes?a=1`). Its path and query are read as they are, not normalised or
   * re-encoded; a `#fragment` is dropped (clients never send it).
   */
  url: string;
  /**
   * The header lines sent. When there is no `Host` among them, the host of an absolute `url` is
   * used (without a default port), as an HTTP client would send it.
   * @defaultValue no headers
   */
  headers?: SigV4Headers | undefined;
  /**
   * The body as sent: bytes, or a string sent as UTF-8.
   * @defaultValue an empty body
   */
  body?: string | ArrayBuffer | ArrayBufferView | null | undefined;
}

/** Options of {@link verifySigV4}: the endpoint's region and service, its keys and its clock. */
export interface VerifySigV4Options {
  /**
   * The keys the verifier accepts.
   * @defaultValue one key pair, {@link DEFAULT_GATEWAY_CREDENTIALS}
   */
  credentials?: ReadonlyArray<GatewayCredentials> | undefined;
  /**
   * The region requests must be signed for.
   * @defaultValue `'us-east-1'`
   */
  region?: string | undefined;
  /**
   * The service requests must be signed for.
   * @defaultValue `'execute-api'`
   */
  service?: string | undefined;
  /**
   * The verifier's clock: the time the request is judged at (a signature is valid for 5 minutes
   * either side of it). Pass a fixed date to judge a recorded request.
   * @defaultValue the current time
   */
  now?: Date | (() => Date) | undefined;
  /**
   * How far `X-Amz-Date` may be from `now` before the request is refused, in milliseconds.
   * @defaultValue `300000` (5 minutes, as AWS)
   */
  maxSkewMs?: number | undefined;
  /**
   * Normalise the path (dot and empty segments) before computing the canonical URI, as every
   * AWS service but S3 does.
   * @defaultValue `true`
   */
  normalizePath?: boolean | undefined;
  /**
   * Require a presented session token to be covered by the signature.
   * @defaultValue `true`
   */
  requireSignedSessionToken?: boolean | undefined;
}

/**
 * Judges whether a request is validly signed with AWS Signature Version 4, as API Gateway
 * would, without a server: give it what your app sent (method, URL, headers, body), for
 * instance inside a nock reply or any HTTP mock, and the keys it should have been signed with.
 *
 * It is the check {@link startSigV4Gateway} runs on every request, with the same verdicts and
 * the same deliberate differences from API Gateway (listed there). Its canonicalisation is
 * written from the AWS specification and shares no code with apig-signer's signer.
 *
 * @param request - the request as sent. The path and query are read as they are on the wire.
 * @param options - the keys, region, service and clock to judge against.
 * @returns the verdict: `accepted`, and for a refusal the `status`, `errorType` and `message`
 *   (the reason, worded as AWS words it); once the checks got that far, the `canonicalRequest`
 *   and `stringToSign` rebuilt from the request, to compare with your signer's.
 * @throws a `ConfigurationError` with code `ERR_CONFIGURATION` when `method` or
 *   `url` is missing or the URL is neither absolute nor a request target starting with `/`. A
 *   request that is malformed as a signed request is not an error: it gets a refusing verdict.
 *
 * @example
 * ```ts
 * import { signRequest } from 'apig-signer';
 * import { DEFAULT_GATEWAY_CREDENTIALS, verifySigV4 } from 'apig-signer/testing';
 *
 * const signed = await signRequest({
 *   method: 'POST',
 *   url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/notes?draft=1',
 *   headers: { 'content-type': 'application/json' },
 *   body: '{"content":"hello"}',
 *   credentials: DEFAULT_GATEWAY_CREDENTIALS,
 * });
 * const verdict = verifySigV4(signed, { region: 'eu-west-1' });
 * console.log(verdict.accepted); // true
 *
 * const tampered = verifySigV4({ ...signed, body: '{"content":"HELLO"}' }, { region: 'eu-west-1' });
 * console.log(tampered.errorType); // 'InvalidSignatureException'
 * console.log(tampered.canonicalRequest); // what the verifier signed, line by line
 * ```
 */
export function verifySigV4(
  request: SigV4Request,
  options: VerifySigV4Options = {},
): GatewayVerdict {
  const { method, target, headers, body } = wireFormOf(request);
  const keys = new Map<string, GatewayCredentials>();
  for (const key of options.credentials ?? [DEFAULT_GATEWAY_CREDENTIALS]) {
    keys.set(key.accessKeyId, key);
  }
  const now = options.now ?? new Date();
  return judge(rawRequestOf(method, target, headers, body), {
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'execute-api',
    now: typeof now === 'function' ? now() : now,
    maxSkewMs: options.maxSkewMs ?? 300_000,
    normalizePath: options.normalizePath ?? true,
    requireSignedSessionToken: options.requireSignedSessionToken ?? true,
    keyFor: (accessKeyId) => keys.get(accessKeyId),
  });
}

const ABSOLUTE_URL = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is;
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: '80',
  https: '443',
  ws: '80',
  wss: '443',
};

/** The request as bytes on the wire would carry it: method, request target, header lines, body. */
function wireFormOf(request: SigV4Request): {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: Buffer;
} {
  if (typeof request?.method !== 'string' || request.method === '') {
    throw new ConfigurationError('ERR_CONFIGURATION', 'verifySigV4: give the request `method`.');
  }
  if (typeof request.url !== 'string') {
    throw new ConfigurationError('ERR_CONFIGURATION', 'verifySigV4: give the request `url`.');
  }
  const url = request.url.replace(/#.*$/s, '');
  const absolute = ABSOLUTE_URL.exec(url);
  let target = url;
  let authority: string | undefined;
  if (absolute !== null) {
    const [, scheme = '', host = '', rest = ''] = absolute;
    authority = withoutDefaultPort(host.replace(/^.*@/s, ''), scheme.toLowerCase());
    target = rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
  } else if (!url.startsWith('/')) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `verifySigV4: the url must be absolute (https://host/path) or start with '/'; got '${url.slice(0, 80)}'.`,
    );
  }
  const headers = headerLinesOf(request.headers);
  if (authority !== undefined && !headers.some(([name]) => name.toLowerCase() === 'host')) {
    headers.unshift(['host', authority]);
  }
  return {
    method: request.method,
    // The target as bytes, one latin1 character each, as Node's HTTP parser hands it over:
    // characters outside ASCII go on the wire as UTF-8.
    target: Buffer.from(target, 'utf8').toString('latin1'),
    headers,
    body: bytesOf(request.body),
  };
}

function bytesOf(body: SigV4Request['body']): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(body);
}

function withoutDefaultPort(host: string, scheme: string): string {
  const port = /:(\d+)$/.exec(host)?.[1];
  return port !== undefined && DEFAULT_PORTS[scheme] === port
    ? host.slice(0, -port.length - 1)
    : host;
}

function headerLinesOf(headers: SigV4Headers | undefined): Array<[string, string]> {
  if (headers === undefined || headers === null) return [];
  if (Symbol.iterator in headers) {
    return [...headers].map(([name, value]): [string, string] => [String(name), String(value)]);
  }
  const lines: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value))
      for (const one of value as ReadonlyArray<string>) lines.push([name, String(one)]);
    else lines.push([name, String(value)]);
  }
  return lines;
}
