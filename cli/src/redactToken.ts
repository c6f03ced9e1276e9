/** What stands where the session token was. */
export const REDACTED = '<redacted>';

/** Bytes of a body scanned at a time: far below V8's longest string, whatever the body's size. */
const WINDOW_BYTES = 16 * 1024 * 1024;

/** Two hex digits either case: `%2f` and `%2F` both decode to `/` (RFC 3986 §2.1). */
function hexPattern(byte: number): string {
  return byte
    .toString(16)
    .padStart(2, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}

/**
 * Every way one byte of the token is written in an answer: as it is, percent-encoded (as in a
 * canonical query), percent-encoded twice (as in a canonical path), or JSON-escaped (`\u002B`,
 * and `\/`, which JSON allows and some encoders write for every `/`).
 */
function bytePattern(byte: number): string {
  const character = String.fromCharCode(byte);
  const forms = [
    character.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'),
    `%${hexPattern(byte)}`,
    `%25${hexPattern(byte)}`,
    `\\\\u00${hexPattern(byte)}`,
  ];
  if (character === '/') forms.push('\\\\/');
  return `(?:${forms.join('|')})`;
}

/** The longest form of one byte: `\u00XX`. */
const LONGEST_FORM = 6;

/**
 * The token as S3's signature refusals quote the canonical request a second time, in
 * `<CanonicalRequestBytes>`: every byte as two hex digits, a space between bytes. At most three
 * characters a byte, so within {@link LONGEST_FORM}.
 */
function hexBytesPattern(bytes: Buffer): string {
  return Array.from(bytes, hexPattern).join(' ');
}

/** The pattern of the last token asked for: a command has one token, and a stream scans each chunk. */
let lastPattern: { token: string; pattern: RegExp; longest: number } | undefined;

/**
 * Matches the token's UTF-8 bytes, each in any of its forms, or the token as hex bytes, in a
 * latin1 string (one character per byte), so that bytes around it come back unchanged. Session
 * tokens are base64: ASCII. Built once per token: the same global RegExp is handed to every
 * caller, so each sets its `lastIndex` before use (`replace` resets it itself) and finishes its
 * scan before another may start.
 */
function tokenPattern(token: string): { pattern: RegExp; longest: number } {
  if (lastPattern?.token !== token) {
    const bytes = Buffer.from(token, 'utf8');
    lastPattern = {
      token,
      pattern: new RegExp(
        `${Array.from(bytes, bytePattern).join('')}|${hexBytesPattern(bytes)}`,
        'g',
      ),
      longest: bytes.length * LONGEST_FORM,
    };
  }
  return lastPattern;
}

/**
 * A global RegExp matching the token in any of its forms, in a latin1 string. Shared with the
 * other scans of the same token: set its `lastIndex` before each use.
 */
export function tokenPatternFor(token: string): RegExp {
  return tokenPattern(token).pattern;
}

/** The most bytes one occurrence of the token can take in an answer (its longest form). */
export function tokenFormsLength(token: string): number {
  return tokenPattern(token).longest;
}

/**
 * Replaces the session token in `text` with `<redacted>`, raw, percent-encoded (once or twice,
 * hex in either case), JSON-escaped, or as space-separated hex bytes (S3's
 * `CanonicalRequestBytes`).
 *
 * @returns the text, the same string when the token is not in it.
 */
export function redactToken(text: string, token: string | undefined): string {
  if (token === undefined || token === '') return text;
  const { pattern } = tokenPattern(token);
  // A token with characters beyond latin1 (not one STS issues) is still found as written.
  return text.split(token).join(REDACTED).replace(pattern, REDACTED);
}

/**
 * Replaces the session token in a body, in the forms {@link redactToken} knows, leaving every
 * other byte as it was (binary bodies included).
 *
 * @param windowBytes - how much to scan at a time; tests make it small.
 * @returns the body, the same Buffer when the token is not in it.
 */
export function redactTokenInBytes(
  body: Buffer,
  token: string | undefined,
  windowBytes: number = WINDOW_BYTES,
): Buffer {
  if (token === undefined || token === '' || body.length === 0) return body;
  const { pattern, longest } = tokenPattern(token);
  const parts: Buffer[] = [];
  // Everything before `copied` is in `parts` (or was a token, replaced).
  let copied = 0;
  for (let start = 0; start < body.length; start += windowBytes) {
    // Each window reaches far enough past its end to hold a token that starts inside it.
    const text = body.toString('latin1', start, start + windowBytes + longest - 1);
    pattern.lastIndex = Math.max(0, copied - start);
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match.index >= windowBytes) break;
      parts.push(body.subarray(copied, start + match.index), Buffer.from(REDACTED));
      copied = start + match.index + match[0].length;
    }
  }
  if (parts.length === 0) return body;
  parts.push(body.subarray(copied));
  return Buffer.concat(parts);
}
