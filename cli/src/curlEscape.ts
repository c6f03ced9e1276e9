/**
 * curl's escaping (curl_easy_escape), as `--data-urlencode` and `-T`'s file name in the URL use
 * it: every byte but RFC 3986's unreserved (`A-Z a-z 0-9 - . _ ~`) as `%XX`, upper-case hex.
 * A module of its own, so that the command line's parser can use it without loading the body
 * reader.
 */
export function urlEncode(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(character)
      ? character
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
