/**
 * SigV4 canonicalisation written from the AWS specification ("Create a canonical request for
 * Signature Version 4", "Create a string to sign", "Calculate the signature"), working on the
 * request exactly as it was received: raw request target, raw header lines, raw body bytes.
 *
 * It deliberately shares no code with apig-signer's signer (nor with @smithy/signature-v4): it is
 * the independent check of them. Read top-down: the canonical request's parts in their order
 * (URI, query, headers, payload), then the string to sign and the signature, then the byte-level
 * helpers they use.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/**
 * The canonical URI: for services other than S3, the path is normalised (RFC 3986 §5.2.4 dot
 * segments removed, empty segments dropped) and the received path is URI-encoded once more,
 * which makes every `%XX` on the wire `%25XX`: the "encode twice" rule.
 */
export function canonicalUri(rawPath: Buffer, normalize: boolean): string {
  let path = rawPath.toString('latin1');
  if (normalize) {
    const segments: string[] = [];
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') segments.pop();
      else segments.push(segment);
    }
    const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
    path = `/${segments.join('/')}${trailing}`;
  }
  if (path === '') path = '/';
  return uriEncodeBytes(Buffer.from(path, 'latin1'), true);
}

/** Raw query pairs as received: split on `&`, then on the first `=`. */
export function splitRawQuery(rawQuery: Buffer): Array<[Buffer, Buffer]> {
  const pairs: Array<[Buffer, Buffer]> = [];
  const text = rawQuery.toString('latin1');
  if (text === '') return pairs;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')]);
  }
  return pairs;
}

/**
 * The canonical query string: each name and value decoded and URI-encoded, sorted by name and
 * then by value (byte order), joined with `&`. `omit` names parameters left out: the signature
 * itself in query-string auth, and nothing in header auth, where AWS signs the query as it is.
 */
export function canonicalQuery(pairs: Array<[Buffer, Buffer]>, omit: ReadonlySet<string>): string {
  const encoded: Array<[string, string]> = [];
  for (const [name, value] of pairs) {
    const decodedName = percentDecodeBytes(name);
    if (omit.has(decodedName.toString('utf8'))) continue;
    encoded.push([
      uriEncodeBytes(decodedName, false),
      uriEncodeBytes(percentDecodeBytes(value), false),
    ]);
  }
  encoded.sort(([an, av], [bn, bv]) =>
    an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  );
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/**
 * Canonical header lines for the signed header names, from raw header lines as received:
 * repeated headers' values are joined with `,` in the order received.
 * Returns the missing name instead when a signed header was not received.
 */
export function canonicalHeaders(
  rawHeaders: ReadonlyArray<readonly [string, string]>,
  signedHeaders: ReadonlyArray<string>,
): { text: string } | { missing: string } {
  const lines: string[] = [];
  for (const name of signedHeaders) {
    const values = rawHeaders
      .filter(([raw]) => raw.toLowerCase() === name)
      .map(([, value]) => canonicalHeaderValue(value));
    if (values.length === 0) return { missing: name };
    lines.push(`${name}:${values.join(',')}`);
  }
  return { text: lines.map((line) => `${line}\n`).join('') };
}

/**
 * A header value as SigV4 canonicalises it: leading and trailing spaces and tabs removed, runs of
 * them made one space. Only those two characters: `String.prototype.trim()` would also strip
 * NBSP and other Unicode spaces, which the signer signed and the wire carried.
 */
export const canonicalHeaderValue = (value: string): string =>
  value.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');

/** HTTP's optional whitespace (RFC 9110 §5.6.3) around a value: spaces and tabs, nothing else. */
export const trimSpacesAndTabs = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, '');

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export function signatureOf(key: Uint8Array, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** Compares signatures in constant time, so a timing probe learns nothing of the expected one. */
export function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const hmac = (key: string | Uint8Array, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** The spec's UriEncode over bytes: unreserved bytes as they are, every other byte as %XX. */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  for (const byte of bytes) {
    if (isUnreserved(byte) || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Bytes that stay as they are in a canonical URI or query: RFC 3986 unreserved characters. */
const isUnreserved = (byte: number): boolean =>
  (byte >= 0x41 && byte <= 0x5a) ||
  (byte >= 0x61 && byte <= 0x7a) ||
  (byte >= 0x30 && byte <= 0x39) ||
  byte === 0x2d ||
  byte === 0x2e ||
  byte === 0x5f ||
  byte === 0x7e;

/** Decodes %XX escapes to bytes; every other byte (`+` included) stands for itself. */
export function percentDecodeBytes(raw: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const byte = raw[i] as number;
    if (
      byte === 0x25 &&
      i + 2 < raw.length &&
      /^[0-9a-fA-F]{2}$/.test(raw.toString('latin1', i + 1, i + 3))
    ) {
      out.push(parseInt(raw.toString('latin1', i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(byte);
    }
  }
  return Buffer.from(out);
}
