import fc from 'fast-check';

import { ADAPTERS } from '../helpers/setup';

/**
 * The generators of the signer's property tests: requests as callers write them (paths with
 * dot segments and any character, raw or percent-encoded; queries; headers; every body type
 * axios takes). Shared by the fuzz test (through axios to the gateway) and the differential
 * test against @smithy/signature-v4.
 */
export const PCHAR_RAW = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
export const encodeChar = (char: string) =>
  [...new TextEncoder().encode(char)]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');

export const interestingChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'abcXYZ019-._~'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom(...':@!$&\'()*+,;=%#?/[]\\^`{}|"<> '.split('')) },
  { weight: 2, arbitrary: fc.constantFrom('é', 'ß', '日', '本', '😀', '\u00a0', '\u2028') },
);
export const text = (maxLength: number) => fc.string({ unit: interestingChar, maxLength });

/** A path segment as the caller means it (decoded), and how it is written in the URL. */
export const segment = fc
  .oneof(
    { weight: 1, arbitrary: fc.constantFrom('.', '..', '') },
    { weight: 8, arbitrary: text(8).filter((s) => s.length > 0) },
  )
  .chain((value) =>
    fc
      .array(fc.boolean(), {
        minLength: Array.from(value).length,
        maxLength: Array.from(value).length,
      })
      .map((raw) => ({
        value,
        written:
          value === '.' || value === '..'
            ? value
            : Array.from(value)
                .map((c, i) => (raw[i] && PCHAR_RAW.test(c) ? c : encodeChar(c)))
                .join(''),
      })),
  );

export const pair = fc.tuple(text(6), text(10));
export const simpleKey = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
export const headerName = fc.constantFrom(
  'x-fuzz-a',
  'X-Fuzz-B',
  'x-FUZZ-c',
  'Accept',
  'Content-Language',
);
export const headerValue = fc
  .string({
    unit: fc.oneof(
      fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(' ', '\t'),
    ),
    maxLength: 12,
  })
  .filter((v) => v.trim().length > 0);

export const MIB = 1024 * 1024;
export const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: text(40).map((s) => ({ kind: 'string' as const, s })) },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(simpleKey, text(8), { maxKeys: 4 })
      .map((o) => ({ kind: 'json' as const, o })),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ kind: 'buffer' as const, b })),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ kind: 'arraybuffer' as const, b })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.uint8Array({ minLength: 4, maxLength: 64 }), fc.nat(3))
      .map(([b, cut]) => ({ kind: 'view' as const, b, cut })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(pair, { maxLength: 4 })
      .map((p) => ({ kind: 'urlsearchparams' as const, p })),
  },
  { weight: 1, arbitrary: text(20).map((s) => ({ kind: 'blob' as const, s })) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(simpleKey, text(8)), { maxLength: 3 })
      .map((f) => ({ kind: 'formdata' as const, f })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'large' as const }) },
);
export type Body = typeof body extends fc.Arbitrary<infer B> ? B : never;

export const request = fc.record({
  // The adapters the loaded axios has (npm run test:axios runs this on axios 1.6, without fetch).
  adapter: fc.constantFrom(...ADAPTERS),
  method: fc.constantFrom('get', 'post', 'put', 'patch', 'delete'),
  signQuery: fc.boolean(),
  segments: fc.array(segment, { maxLength: 5 }),
  urlQuery: fc.array(pair, { maxLength: 3 }),
  params: fc.oneof(
    fc.array(pair, { maxLength: 4 }).map((p) => ({ kind: 'search' as const, p })),
    fc
      .dictionary(simpleKey, fc.oneof(text(8), fc.array(text(6), { minLength: 1, maxLength: 3 })), {
        maxKeys: 3,
      })
      .map((o) => ({ kind: 'object' as const, o })),
  ),
  headers: fc.array(
    fc.tuple(
      headerName,
      fc.oneof(headerValue, fc.array(headerValue, { minLength: 2, maxLength: 3 })),
    ),
    { maxLength: 3 },
  ),
  body,
});
export type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;

export function largeBody(): Buffer {
  const bytes = Buffer.alloc(MIB);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}
