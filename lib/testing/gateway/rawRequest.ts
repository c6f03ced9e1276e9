import { percentDecodeBytes, splitRawQuery } from './canonical';

/** A request as the verifier reads it: every part as it was on the wire. */
export interface RawRequest {
  method: string;
  /** The path of the request target, still percent-encoded. */
  rawPath: Buffer;
  /** The query of the request target, without `?`. */
  rawQuery: Buffer;
  /** Header lines in the order received, names as sent. */
  headers: Array<[string, string]>;
  /** Query pairs, percent-decoded as UTF-8 (RFC 3986: a `+` stays a `+`). */
  query: Array<[string, string]>;
  body: Buffer;
}

/** Splits a request target (`/path?query`) as received; the query is decoded for reading. */
export function rawRequestOf(
  method: string,
  target: string,
  headers: Array<[string, string]>,
  body: Buffer,
): RawRequest {
  const q = target.indexOf('?');
  const rawQuery = Buffer.from(q === -1 ? '' : target.slice(q + 1), 'latin1');
  return {
    method,
    rawPath: Buffer.from(q === -1 ? target : target.slice(0, q), 'latin1'),
    rawQuery,
    headers,
    query: splitRawQuery(rawQuery).map(([name, value]): [string, string] => [
      percentDecodeBytes(name).toString('utf8'),
      percentDecodeBytes(value).toString('utf8'),
    ]),
    body,
  };
}

/** Every value of a header, in the order received (names compared case-insensitively). */
export function headerValues(
  headers: ReadonlyArray<readonly [string, string]>,
  name: string,
): string[] {
  return headers.filter(([raw]) => raw.toLowerCase() === name).map(([, value]) => value);
}
