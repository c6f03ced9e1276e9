/**
 * UTF-8 and base64 without `Buffer` (browsers, React Native): what SRP, JWT claims and
 * `SECRET_HASH` need, on the platform's `atob`/`btoa` (browsers, Node ≥ 16, Deno, Bun, Hermes).
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Standard base64 (with padding) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The bytes of base64 or base64url text (padding optional); characters outside the alphabet
 * are skipped. Text that is not base64 at all gives no bytes.
 */
export function fromBase64(text: string): Uint8Array {
  const clean = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '');
  try {
    const binary = atob(clean + '='.repeat((4 - (clean.length % 4)) % 4));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** UTF-8 bytes as text (invalid sequences become U+FFFD). */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
