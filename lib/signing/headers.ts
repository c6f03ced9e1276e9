/**
 * Headers that are sent but not signed: hop-by-hop headers, and ones that HTTP clients,
 * browsers or proxies add or rewrite on the way, which would break a signature that covered them.
 */
const UNSIGNED_HEADERS: ReadonlySet<string> = new Set([
  'accept-encoding',
  'cache-control',
  'connection',
  'content-length',
  'cookie',
  'expect',
  'forwarded',
  'from',
  'keep-alive',
  'max-forwards',
  'origin',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'via',
  'x-amzn-trace-id',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);
const UNSIGNED_HEADER_PREFIXES = ['proxy-', 'sec-'];

/** Headers the signer writes; removed before a request is (re-)signed. */
export const SIGNER_HEADERS: readonly string[] = [
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

/** Whether a header (lower-case name) is covered by the signature. */
export function isSignedHeader(lowerName: string): boolean {
  return (
    !UNSIGNED_HEADERS.has(lowerName) &&
    !UNSIGNED_HEADER_PREFIXES.some((prefix) => lowerName.startsWith(prefix))
  );
}

/** Characters a header value can carry unchanged through every HTTP client. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const isSendableHeaderValue = (value: string): boolean => HEADER_VALUE.test(value);
