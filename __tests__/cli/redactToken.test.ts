import { redactToken, redactTokenInBytes } from '../../cli/src/redactToken';
import { TEST_KEYS } from '../helpers/setup';

const TOKEN = TEST_KEYS.sessionToken;
/** Every byte value, for checks that nothing else changes. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('redactToken', () => {
  it.each([
    ['as it is', TOKEN],
    ['percent-encoded (RFC 3986)', encodeURIComponent(TOKEN)],
    [
      'percent-encoded in lower case',
      encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    ],
    ['percent-encoded twice (a canonical path)', encodeURIComponent(encodeURIComponent(TOKEN))],
    ['JSON-escaped with \\/', TOKEN.replace(/\//g, '\\/')],
    [
      'JSON-escaped with \\u',
      TOKEN.replace(
        /[+=/]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`,
      ),
    ],
  ])('replaces the token written %s', (_, form) => {
    expect(redactToken(`x-amz-security-token:${form}\nhost:a`, TOKEN)).toBe(
      'x-amz-security-token:<redacted>\nhost:a',
    );
  });

  it("replaces the token written as hex bytes, as S3's CanonicalRequestBytes quotes it", () => {
    const hex = (text: string) =>
      Buffer.from(text)
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 ');
    const quoted = `<CanonicalRequestBytes>${hex(`x-amz-security-token:${TOKEN}\nhost:a`)}</CanonicalRequestBytes>`;
    const redacted = redactToken(quoted, TOKEN);
    expect(redacted).not.toContain(hex(TOKEN));
    expect(redacted).toBe(
      `<CanonicalRequestBytes>${hex('x-amz-security-token:')} <redacted> ${hex('\nhost:a')}</CanonicalRequestBytes>`,
    );
    expect(redactToken(hex(TOKEN).toUpperCase(), TOKEN)).toBe('<redacted>');
  });

  it('leaves text without the token as it is', () => {
    const text = `${TOKEN.slice(0, -1)} and ${TOKEN.slice(1)}`;
    expect(redactToken(text, TOKEN)).toBe(text);
    expect(redactToken(TOKEN, undefined)).toBe(TOKEN);
  });
});

describe('redactTokenInBytes', () => {
  it('replaces the token and keeps every other byte of a binary body', () => {
    const body = Buffer.concat([ALL_BYTES, Buffer.from(TOKEN), ALL_BYTES]);
    expect(redactTokenInBytes(body, TOKEN)).toEqual(
      Buffer.concat([ALL_BYTES, Buffer.from('<redacted>'), ALL_BYTES]),
    );
  });

  it('gives back the same Buffer when the token is not in it', () => {
    const body = Buffer.concat([ALL_BYTES, Buffer.from(TOKEN.slice(0, -1)), ALL_BYTES]);
    expect(redactTokenInBytes(body, TOKEN)).toBe(body);
  });

  it.each([
    ['inside the first window', 3],
    ['across the window boundary', 12],
    ['starting on the boundary', 16],
    ['in the last, short window', 40],
  ])('finds a token %s, scanning in windows', (_, at) => {
    const window = 16;
    const filler = Buffer.alloc(at, 0xff);
    const encoded = encodeURIComponent(TOKEN);
    const body = Buffer.concat([filler, Buffer.from(encoded), filler, Buffer.from(TOKEN)]);
    expect(redactTokenInBytes(body, TOKEN, window)).toEqual(
      Buffer.concat([filler, Buffer.from('<redacted>'), filler, Buffer.from('<redacted>')]),
    );
  });
});
