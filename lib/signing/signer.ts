import { createScope, getCanonicalHeaders } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';

import { SigningError } from '../errors';
import type { Credentials } from '../credentials/types';
import { hmacSha256, sha256Hex, toHex } from './sha256';
import { encodeRfc3986 } from './uri';
import type { QueryPairs } from './uri';

/** The request exactly as it will go on the wire, in the pieces SigV4 needs. */
export interface WireRequest {
  /** Upper-case method. */
  method: string;
  protocol: string;
  hostname: string;
  /** The `Host` header as it will be sent: `name`, or `name:port` for a non-default port. */
  host: string;
  /** The path as sent (see `toWirePath`). */
  path: string;
  /** Decoded query pairs, in wire order. */
  query: QueryPairs;
  /** The headers to sign, names lower-cased, values as sent; `host` is added by the signer. */
  headers: Record<string, string>;
  /** The body bytes (a string is sent as UTF-8), or `undefined` for none. */
  body: string | Uint8Array | ArrayBuffer | undefined;
}

/** How to sign one request. */
export interface SignParams {
  credentials: Credentials;
  region: string;
  service: string;
  signingDate: Date;
  /** Sign with query parameters instead of the `Authorization` header. */
  signQuery: boolean;
  /** Seconds a query-signed request stays valid. */
  expiresIn: number;
  /** Sign `x-amz-content-sha256: UNSIGNED-PAYLOAD` instead of the body's hash. */
  unsignedPayload: boolean;
}

/** What signing adds to the request: headers to set, and the whole query as it goes on the wire. */
export interface SignOutput {
  headers: Record<string, string>;
  /** The query string (without `?`): the request's pairs, then any query-string auth pairs. */
  search: string;
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const ALGORITHM = 'AWS4-HMAC-SHA256';

type EncodedPair = [string, string];

const encodePair = ([name, value]: [string, string]): EncodedPair => [
  encodeRfc3986(name),
  encodeRfc3986(value),
];

/** Canonical query: the encoded pairs sorted by name, then value (code-point order). */
function canonicalQuery(pairs: EncodedPair[]): string {
  return [...pairs]
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * Canonical URI of a wire path (see `toWirePath`): dot and empty segments removed, as every
 * service but S3 normalises, then URI-encoded once more. The wire path holds only unreserved
 * characters, `/` and `%XX`, so encoding it once more only turns `%` into `%25`: the
 * "encode twice" rule of non-S3 services.
 */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`.replace(/%/g, '%25');
}

/** `YYYYMMDDTHHMMSSZ` and `YYYYMMDD`. */
function formatDate(date: Date): { longDate: string; shortDate: string } {
  const longDate = date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return { longDate, shortDate: longDate.slice(0, 8) };
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Signing keys (kSigning = HMAC chain of the secret over date, region, service, "aws4_request"),
 * cached per credentials object, so a request costs one HMAC for its signature and none for
 * the key: credentials are memoised, so the same object comes back until they are refreshed.
 */
const signingKeys = new WeakMap<object, Map<string, Uint8Array>>();

/** The signing key: from the cache synchronously, or derived (and cached) on a miss. */
function signingKey(
  credentials: { secretAccessKey: string },
  shortDate: string,
  region: string,
  service: string,
): Uint8Array | Promise<Uint8Array> {
  let keys = signingKeys.get(credentials);
  if (keys === undefined) {
    keys = new Map();
    signingKeys.set(credentials, keys);
  }
  const id = `${shortDate}/${region}/${service}`;
  return keys.get(id) ?? deriveSigningKey(credentials, keys, id, [shortDate, region, service]);
}

async function deriveSigningKey(
  credentials: { secretAccessKey: string },
  keys: Map<string, Uint8Array>,
  id: string,
  scope: string[],
): Promise<Uint8Array> {
  let key: Uint8Array = new TextEncoder().encode(`AWS4${credentials.secretAccessKey}`);
  for (const part of [...scope, 'aws4_request']) key = await hmacSha256(key, part);
  // A day's keys only: a long-lived credentials object does not grow the map.
  if (keys.size > 16) keys.clear();
  keys.set(id, key);
  return key;
}

/** The payload line of the canonical request. */
function payloadHash(
  body: WireRequest['body'],
  unsignedPayload: boolean,
): string | Promise<string> {
  if (unsignedPayload) return UNSIGNED_PAYLOAD;
  if (body === undefined) return EMPTY_SHA256;
  return sha256Hex(
    typeof body === 'string' || body instanceof Uint8Array ? body : new Uint8Array(body),
  );
}

/**
 * Signs a wire request with AWS Signature Version 4, from @smithy/signature-v4's building blocks
 * (its canonical request, payload hash, header canonicalisation and cached signing keys) and the
 * platform's SHA-256. Using the blocks instead of smithy's `SignatureV4` class keeps its
 * event-stream signing out of browser bundles and one promise chain out of every request.
 *
 * `x-amz-content-sha256` is not added: API Gateway's default CORS allow-list lacks it. The path
 * is given as sent, so smithy's path rule encodes it once more: the double encoding non-S3
 * services expect.
 */
export async function signWireRequest(
  wire: WireRequest,
  params: SignParams,
  inspect?: (steps: { canonicalRequest: string; stringToSign: string }) => void,
): Promise<SignOutput> {
  try {
    const { credentials, region, service } = params;
    const { longDate, shortDate } = formatDate(params.signingDate);
    const scope = createScope(shortDate, region, service);
    const headers: Record<string, string> = { ...wire.headers, host: wire.host };
    if (params.unsignedPayload) headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;
    const added: Record<string, string> = {};
    const presign: Array<[string, string]> = [];
    if (params.signQuery) {
      presign.push(
        ['X-Amz-Algorithm', ALGORITHM],
        ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
        ['X-Amz-Date', longDate],
        ['X-Amz-Expires', String(params.expiresIn)],
      );
      if (credentials.sessionToken)
        presign.push(['X-Amz-Security-Token', credentials.sessionToken]);
    } else {
      headers['x-amz-date'] = longDate;
      if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    }
    const canonicalHeaders = getCanonicalHeaders({ headers } as unknown as HttpRequest);
    const names = Object.keys(canonicalHeaders).sort();
    const signedHeaders = names.join(';');
    if (params.signQuery) presign.push(['X-Amz-SignedHeaders', signedHeaders]);
    // Encoded once: the same strings go on the wire and into the canonical query.
    const encoded = [...wire.query, ...presign].map(encodePair);

    // Node answers these synchronously: await only what is really a promise (WebCrypto).
    const payloadOrPromise = payloadHash(wire.body, params.unsignedPayload);
    const payload =
      typeof payloadOrPromise === 'string' ? payloadOrPromise : await payloadOrPromise;
    const canonicalRequest = [
      wire.method,
      canonicalPath(wire.path),
      canonicalQuery(encoded),
      ...names.map((name) => `${name}:${canonicalHeaders[name] ?? ''}`),
      '',
      signedHeaders,
      payload,
    ].join('\n');
    const hashOrPromise = sha256Hex(canonicalRequest);
    const hash = typeof hashOrPromise === 'string' ? hashOrPromise : await hashOrPromise;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${hash}`;
    const keyOrPromise = signingKey(credentials, shortDate, region, service);
    const key = 'then' in keyOrPromise ? await keyOrPromise : keyOrPromise;
    const macOrPromise = hmacSha256(key, stringToSign);
    const signature = toHex('then' in macOrPromise ? await macOrPromise : macOrPromise);
    inspect?.({ canonicalRequest, stringToSign });

    if (params.signQuery) encoded.push(['X-Amz-Signature', signature]);
    const search = encoded.map(([name, value]) => `${name}=${value}`).join('&');
    if (params.unsignedPayload) added['X-Amz-Content-Sha256'] = UNSIGNED_PAYLOAD;
    if (params.signQuery) return { headers: added, search };
    added['X-Amz-Date'] = longDate;
    if (credentials.sessionToken) added['X-Amz-Security-Token'] = credentials.sessionToken;
    added['Authorization'] =
      `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return { headers: added, search };
  } catch (error) {
    if (error instanceof SigningError) throw error;
    throw new SigningError(
      'ERR_SIGNING',
      `SigV4 signing failed for ${wire.method} ${wire.protocol}//${wire.host}: ${
        error instanceof Error ? error.message : 'unknown error'
      }.`,
      { cause: error },
    );
  }
}
