/**
 * UTF-8 and base64 without `Buffer` (browsers, React Native): what SRP, JWT claims and
 * `SECRET_HASH` need, and no more.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Standard base64 (with padding) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET.charAt((chunk >> 18) & 63) + ALPHABET.charAt((chunk >> 12) & 63);
    out += i + 1 < bytes.length ? ALPHABET.charAt((chunk >> 6) & 63) : '=';
    out += i + 2 < bytes.length ? ALPHABET.charAt(chunk & 63) : '=';
  }
  return out;
}

/**
 * The bytes of base64 or base64url text (padding optional); characters outside the alphabet
 * are skipped, as `atob` skips white space.
 */
export function fromBase64(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const index = ALPHABET.indexOf(char === '-' ? '+' : char === '_' ? '/' : char);
    if (index < 0) continue;
    value = ((value << 6) | index) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 255);
    }
  }
  return new Uint8Array(out);
}

/** UTF-8 bytes as text (invalid sequences become U+FFFD). */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
