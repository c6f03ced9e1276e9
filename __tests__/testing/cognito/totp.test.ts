import {
  base32Decode,
  base32Encode,
  totpAt,
  totpCode,
  totpMatches,
} from '../../../lib/testing/cognito/totp';

/** RFC 6238 Appendix B: the test vectors (8 digits; seeds of 20, 32 and 64 bytes). */
const SEED = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
} as const;

const VECTORS: Array<[number, 'sha1' | 'sha256' | 'sha512', string]> = [
  [59, 'sha1', '94287082'],
  [59, 'sha256', '46119246'],
  [59, 'sha512', '90693936'],
  [1111111109, 'sha1', '07081804'],
  [1111111109, 'sha256', '68084774'],
  [1111111109, 'sha512', '25091201'],
  [1111111111, 'sha1', '14050471'],
  [1111111111, 'sha256', '67062674'],
  [1111111111, 'sha512', '99943326'],
  [1234567890, 'sha1', '89005924'],
  [1234567890, 'sha256', '91819424'],
  [1234567890, 'sha512', '93441116'],
  [2000000000, 'sha1', '69279037'],
  [2000000000, 'sha256', '90698825'],
  [2000000000, 'sha512', '38618901'],
  [20000000000, 'sha1', '65353130'],
  [20000000000, 'sha256', '77737706'],
  [20000000000, 'sha512', '47863826'],
];

describe('totp (RFC 6238)', () => {
  it.each(VECTORS)('at %i s with %s gives %s', (seconds, algorithm, expected) => {
    expect(totpAt(SEED[algorithm], seconds * 1000, 8, algorithm)).toBe(expected);
  });

  it('Cognito’s codes: 6 digits of the SHA-1 vector, from the secret in base32', () => {
    const secret = base32Encode(SEED.sha1);
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(totpCode(secret, 59_000)).toBe('287082');
    expect(totpCode(secret, 1111111109_000)).toBe('081804');
  });

  it('accepts the code of the step before and after (clock skew), no further', () => {
    const secret = base32Encode(SEED.sha1);
    const now = 1111111109_000;
    expect(totpMatches(secret, totpCode(secret, now - 30_000), now)).toBe(true);
    expect(totpMatches(secret, totpCode(secret, now + 30_000), now)).toBe(true);
    expect(totpMatches(secret, totpCode(secret, now - 60_000), now)).toBe(false);
    expect(totpMatches(secret, undefined, now)).toBe(false);
  });
});

describe('base32 (RFC 4648 §10 vectors, unpadded)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('%j ⇄ %s', (text, encoded) => {
    expect(base32Encode(Buffer.from(text))).toBe(encoded);
    expect(base32Decode(`${encoded}======`).toString()).toBe(text);
  });
});
