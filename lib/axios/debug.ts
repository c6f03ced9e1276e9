import { encodeRfc3986 } from '../signing/uri';

const REDACTED = '<redacted>';

/**
 * Every form a session token takes in a canonical request or URL: as sent in the
 * `X-Amz-Security-Token` header, URI-encoded in a query (RFC 3986, and `encodeURIComponent`'s
 * laxer form), and encoded twice as in a canonical path. Longest first, so that a form that
 * contains another is replaced whole.
 */
function tokenForms(token: string): string[] {
  const once = encodeRfc3986(token);
  const forms = new Set([token, once, encodeURIComponent(token), encodeRfc3986(once)]);
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every form of the session token in `text`, for the debug hook. */
export function redactToken(text: string, token: string | undefined): string {
  if (!token) return text;
  let result = text;
  for (const form of tokenForms(token)) result = result.split(form).join(REDACTED);
  return result;
}
