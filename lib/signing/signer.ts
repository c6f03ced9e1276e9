import { SigningError } from '../errors';
import type { Credentials } from '../credentials/types';
import { hmacSha256, hmacSha256Hex, sha256Hex } from './sha256';
import type { Sha256Constructor } from './sha256';
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
  /**
   * The headers to sign as `[name, value]` pairs: names lower-cased and distinct, values as
   * sent; `host` is added by the signer.
   */
  headers: Array<[string, string]>;
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
  /** The body's hex SHA-256 as the caller computed it (a stream body), signed as it is. */
  payloadHash?: string | undefined;
  /** The caller's hash constructor, used instead of the platform's crypto when given. */
  sha256?: Sha256Constructor | undefined;
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

/** The last second formatted: requests signed within one second share the strings. */
let lastDate = { second: Number.NaN, longDate: '', shortDate: '' };

/** `YYYYMMDDTHHMMSSZ` and `YYYYMMDD`. */
function formatDate(date: Date): { longDate: string; shortDate: string } {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastDate.second) {
    const longDate = date
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
    lastDate = { second, longDate, shortDate: longDate.slice(0, 8) };
  }
  return lastDate;
}

const BLANKS_TO_TRIM = /^[ \t]|[ \t]$|[\t\r\n]| {2}/;

/**
 * A header value as SigV4 canonicalises it ("trimall"): line breaks and runs of spaces and tabs
 * become one space, and spaces at either end go.
 */
function canonicalHeaderValue(value: string): string {
  if (!BLANKS_TO_TRIM.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

const byName = (a: [string, string], b: [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Signing keys (kSigning = HMAC chain of the secret over date, region, service, "aws4_request"),
 * cached per key id and a fingerprint of the secret and token, so a request costs one HMAC for
 * its signature and none for the key, and credentials rotated in place (the same object given
 * new keys, as the AWS SDK v2's `AWS.Credentials` refresh) get their own key at once. The
 * fingerprint is a SHA-256, so no map holds a secret as its key.
 */
const signingKeys = new Map<string, Map<string, Uint8Array>>();
/** How many secrets' keys are kept; the least recently added go first. */
const MAX_SECRETS = 64;

/**
 * The cache id of the keys a credentials object now holds, remembered per object with the
 * strings it was computed from, so that only a change of keys costs a hash: a request with the
 * same object compares three strings (the same string objects, so by reference). The strings
 * are the object's own, kept only as long as the object lives (WeakMap).
 */
const idsOf = new WeakMap<
  object,
  { accessKeyId: string; secret: string; token: string | undefined; id: string }
>();

function cacheIdOf(
  credentials: Credentials,
  sha256: Sha256Constructor | undefined,
): string | Promise<string> {
  const { accessKeyId, secretAccessKey: secret, sessionToken: token } = credentials;
  const known = idsOf.get(credentials);
  if (
    known !== undefined &&
    known.secret === secret &&
    known.accessKeyId === accessKeyId &&
    known.token === token
  ) {
    return known.id;
  }
  // A NUL cannot occur in a key or token sent in an HTTP header, so the parts stay apart.
  const fingerprint = sha256Hex(`${secret}\u0000${token ?? ''}`, sha256);
  const remember = (hex: string) => {
    const id = `${accessKeyId}\u0000${hex}`;
    idsOf.set(credentials, { accessKeyId, secret, token, id });
    return id;
  };
  return typeof fingerprint === 'string' ? remember(fingerprint) : fingerprint.then(remember);
}

/** The signing key: from the cache synchronously, or derived (and cached) on a miss. */
function signingKey(
  credentials: Credentials,
  shortDate: string,
  region: string,
  service: string,
  sha256: Sha256Constructor | undefined,
): Uint8Array | Promise<Uint8Array> {
  const idOrPromise = cacheIdOf(credentials, sha256);
  const scope = `${shortDate}/${region}/${service}`;
  const lookUp = (id: string): Uint8Array | Promise<Uint8Array> => {
    const keys = signingKeys.get(id);
    return (
      keys?.get(scope) ??
      deriveSigningKey(credentials.secretAccessKey, id, scope, [shortDate, region, service], sha256)
    );
  };
  return typeof idOrPromise === 'string' ? lookUp(idOrPromise) : idOrPromise.then(lookUp);
}

async function deriveSigningKey(
  secretAccessKey: string,
  id: string,
  scope: string,
  parts: string[],
  sha256: Sha256Constructor | undefined,
): Promise<Uint8Array> {
  let key: Uint8Array = new TextEncoder().encode(`AWS4${secretAccessKey}`);
  for (const part of [...parts, 'aws4_request']) key = await hmacSha256(key, part, sha256);
  let keys = signingKeys.get(id);
  if (keys === undefined) {
    keys = new Map();
    if (signingKeys.size >= MAX_SECRETS) {
      signingKeys.delete(signingKeys.keys().next().value as string);
    }
    signingKeys.set(id, keys);
  }
  // A day's keys only: long-lived keys do not grow the map.
  if (keys.size > 16) keys.clear();
  keys.set(scope, key);
  return key;
}

/** The payload line of the canonical request. */
function payloadHash(
  body: WireRequest['body'],
  unsignedPayload: boolean,
  sha256: Sha256Constructor | undefined,
): string | Promise<string> {
  if (unsignedPayload) return UNSIGNED_PAYLOAD;
  if (body === undefined) return EMPTY_SHA256;
  return sha256Hex(
    typeof body === 'string' || body instanceof Uint8Array ? body : new Uint8Array(body),
    sha256,
  );
}

/**
 * Signs a wire request with AWS Signature Version 4 with the platform's SHA-256: the canonical
 * request (method, canonical path, canonical query, canonical headers, signed header names,
 * payload hash), the string to sign, and the signature with a signing key cached per
 * key id and secret. Checked against the official test vectors (`signer.vectors.test.ts`) and by
 * an independent verifier that rebuilds the signature from the request as received.
 *
 * `x-amz-content-sha256` is not added: API Gateway's default CORS allow-list lacks it. The path
 * is given as sent, and encoded once more here: the double encoding non-S3 services expect.
 */
export async function signWireRequest(
  wire: WireRequest,
  params: SignParams,
  inspect?: (steps: { canonicalRequest: string; stringToSign: string }) => void,
): Promise<SignOutput> {
  try {
    const { credentials, region, service } = params;
    const { sessionToken } = credentials;
    const { longDate, shortDate } = formatDate(params.signingDate);
    const scope = `${shortDate}/${region}/${service}/aws4_request`;
    // Pairs, not an object keyed by header name: the names vary by request, and objects built
    // that way leave V8's fast paths (it cost more than the hashing).
    const headers: Array<[string, string]> = [['host', canonicalHeaderValue(wire.host)]];
    for (const [name, value] of wire.headers) headers.push([name, canonicalHeaderValue(value)]);
    if (params.unsignedPayload) headers.push(['x-amz-content-sha256', UNSIGNED_PAYLOAD]);
    const presign: Array<[string, string]> = [];
    if (params.signQuery) {
      presign.push(
        ['X-Amz-Algorithm', ALGORITHM],
        ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
        ['X-Amz-Date', longDate],
        ['X-Amz-Expires', String(params.expiresIn)],
      );
      if (sessionToken) presign.push(['X-Amz-Security-Token', sessionToken]);
    } else {
      headers.push(['x-amz-date', longDate]);
      if (sessionToken) headers.push(['x-amz-security-token', canonicalHeaderValue(sessionToken)]);
    }
    headers.sort(byName);
    let signedHeaders = '';
    let canonicalHeaders = '';
    for (const [name, value] of headers) {
      signedHeaders += signedHeaders === '' ? name : `;${name}`;
      canonicalHeaders += `${name}:${value}\n`;
    }
    if (params.signQuery) presign.push(['X-Amz-SignedHeaders', signedHeaders]);
    // Encoded once: the same strings go on the wire and into the canonical query.
    const encoded = [...wire.query, ...presign].map(encodePair);

    // Node answers these synchronously: await only what is really a promise (WebCrypto).
    const payloadOrPromise =
      params.payloadHash ?? payloadHash(wire.body, params.unsignedPayload, params.sha256);
    const payload =
      typeof payloadOrPromise === 'string' ? payloadOrPromise : await payloadOrPromise;
    const canonicalRequest = `${wire.method}\n${canonicalPath(wire.path)}\n${canonicalQuery(encoded)}\n${canonicalHeaders}\n${signedHeaders}\n${payload}`;
    const hashOrPromise = sha256Hex(canonicalRequest, params.sha256);
    const hash = typeof hashOrPromise === 'string' ? hashOrPromise : await hashOrPromise;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${hash}`;
    const keyOrPromise = signingKey(credentials, shortDate, region, service, params.sha256);
    const key = 'then' in keyOrPromise ? await keyOrPromise : keyOrPromise;
    const macOrPromise = hmacSha256Hex(key, stringToSign, params.sha256);
    const signature = typeof macOrPromise === 'string' ? macOrPromise : await macOrPromise;
    inspect?.({ canonicalRequest, stringToSign });

    if (params.signQuery) encoded.push(['X-Amz-Signature', signature]);
    let search = '';
    for (const [name, value] of encoded)
      search += search === '' ? `${name}=${value}` : `&${name}=${value}`;
    const added: Record<string, string> = {};
    if (params.unsignedPayload) added['X-Amz-Content-Sha256'] = UNSIGNED_PAYLOAD;
    if (params.signQuery) return { headers: added, search };
    added['X-Amz-Date'] = longDate;
    if (sessionToken) added['X-Amz-Security-Token'] = sessionToken;
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
