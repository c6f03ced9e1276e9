/**
 * URI helpers shared by the signer's canonicalisation of the wire request.
 * Ref: RFC 3986 §2.3 (unreserved characters) and §6.2.2 (syntax-based normalisation).
 */

const RFC3986_EXTRA = /[!'()*]/g;

const hex = (char: string): string =>
  `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

const wellFormed = (value: string): string =>
  // Lone surrogates cannot be UTF-8 encoded; the platform replaces them with U+FFFD as
  // URLSearchParams and TextEncoder do.
  typeof value.toWellFormed === 'function' ? value.toWellFormed() : value;

/** Percent-encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`). */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(wellFormed(value)).replace(RFC3986_EXTRA, hex);
}

const PATH_TOKEN = /%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~/]/gu;
const UNRESERVED_CHAR = /^[A-Za-z0-9\-._~]$/;

/**
 * The path as it goes on the wire, in a form every reader decodes alike: percent-escapes
 * kept (hex upper-cased, escapes of unreserved characters decoded), every other character that
 * is not unreserved or `/` percent-encoded as UTF-8, a stray `%` included. A server that decodes
 * the path and encodes it twice and one that encodes the received path once then agree
 * (SigV4's double-encoding rule for non-S3 services).
 */
export function toWirePath(pathname: string): string {
  const path = pathname === '' ? '/' : pathname;
  return path.replace(PATH_TOKEN, (token) => {
    if (token.length === 3 && token.startsWith('%')) {
      const decoded = String.fromCharCode(parseInt(token.slice(1), 16));
      return UNRESERVED_CHAR.test(decoded) ? decoded : token.toUpperCase();
    }
    return token === '%' ? '%25' : encodeRfc3986(token);
  });
}

/** A query as ordered, decoded name/value pairs. */
export type QueryPairs = Array<[string, string]>;

/**
 * Parses a query string (with or without `?`) the way browsers parse forms and
 * `URLSearchParams`: `+` is a space and percent-escapes are decoded.
 */
export function parseQuery(search: string): QueryPairs {
  return [...new URLSearchParams(search)];
}

/** The query parameters of SigV4 query-string auth, removed before a request is re-signed. */
export const PRESIGN_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
]);
