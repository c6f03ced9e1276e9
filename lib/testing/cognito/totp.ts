import { createHmac, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

/** RFC 4648 §6 base32, without padding: how authenticator apps take a secret. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32.charAt((value << (5 - bits)) & 31);
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[=\s]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new RangeError('not a base32 secret');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new secret as Cognito's AssociateSoftwareToken gives: 32 base32 characters (20 bytes). */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/**
 * HOTP (RFC 4226 §5.3: HMAC, dynamic truncation) at the time step of `atMs` (RFC 6238 §4:
 * T = floor(unix seconds / 30)). `algorithm` is `sha1` for Cognito; the RFC's vectors use others.
 */
export function totpAt(
  key: Uint8Array,
  atMs: number,
  digits = DIGITS,
  algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1',
): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / STEP_SECONDS)));
  const mac = createHmac(algorithm, key).update(counter).digest();
  const offset = (mac.at(-1) ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The 6-digit code of a base32 secret at `atMs`. */
export function totpCode(secret: string, atMs: number): string {
  return totpAt(base32Decode(secret), atMs);
}

/** Whether `code` is the secret's code now or one step either side (clock skew, as Cognito). */
export function totpMatches(secret: string, code: unknown, nowMs: number): boolean {
  if (typeof code !== 'string') return false;
  return [-1, 0, 1].some((step) => totpCode(secret, nowMs + step * STEP_SECONDS * 1000) === code);
}
