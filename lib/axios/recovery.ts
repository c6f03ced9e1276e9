import type { AxiosError, AxiosResponse } from 'axios';

import { foreignAnswers } from './sendHop';

/** What a 403 from AWS says went wrong, when it is something re-signing can fix. */
export type Diagnosis =
  { kind: 'clock-skew'; serverTime: number } | { kind: 'expired-credentials' } | undefined;

/** AWS's own names for an expired session token. */
const EXPIRED_TOKEN_TYPES: ReadonlySet<string> = new Set(['ExpiredTokenException', 'ExpiredToken']);
/** AWS's own names for a request signed outside the time window, whatever the message. */
const TIME_WINDOW_TYPES: ReadonlySet<string> = new Set(['RequestTimeTooSkewed', 'RequestExpired']);
/**
 * `InvalidSignatureException` also covers a wrong key or a wrong signature: only these messages
 * say the time was the problem. API Gateway gives the same answer to a request signed in the
 * `Authorization` header and to one signed in the query (`signQuery`, presigned URLs) outside
 * its window: 403, `x-amzn-ErrorType: InvalidSignatureException`, `{"message":"Signature
 * expired: 20210330T175821Z is now earlier than 20210330T180403Z (20210330T180903Z - 5 min.)"}`
 * (or "Signature not yet current: … is still later than … (… + 5 min.)").
 * Ref: AWS IAM User Guide, "Troubleshoot signed requests for AWS APIs"; AWS knowledge center,
 * "How do I troubleshoot HTTP 403 errors from API Gateway?"; a query-signed execute-api URL
 * refused so, whatever its `X-Amz-Expires`: Stack Overflow question 66961500. "Request has
 * expired" (`AccessDenied`) is S3's answer to a presigned URL, not API Gateway's, and is final
 * here: that error type also means an IAM policy said no.
 */
const TIME_WINDOW_MESSAGE = /^(?:Signature expired|Signature not yet current)\b/;
/**
 * AWS states its own time in clock-skew answers: "… (20260101T001000Z - 5 min.)", "15 min." for
 * some services; a window that is not whole minutes in seconds ("- 90 sec.)", the local gateway).
 */
const SERVER_TIME_IN_MESSAGE =
  /\((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\s*[-+]\s*\d+\s*(?:min|sec)\.?\)/;

/** The body of an error answer as a JSON object, whatever the response type. */
function jsonOf(response: AxiosResponse): Record<string, unknown> | undefined {
  let data: unknown = response.data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    data = new TextDecoder().decode(data);
  }
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : undefined;
}

function headerOf(response: AxiosResponse, name: string): string | undefined {
  const headers = response.headers as Record<string, unknown> & { get?: (n: string) => unknown };
  const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * AWS's error type: the `x-amzn-ErrorType` header, else the `__type` of an AWS JSON error. Both
 * may carry a suffix after `:` (`ExpiredTokenException:http://internal.amazon.com/…`), and
 * `__type` a namespace before `#` (`com.amazonaws.coral#ExpiredTokenException`).
 */
function errorTypeOf(response: AxiosResponse, body: Record<string, unknown> | undefined) {
  const raw = headerOf(response, 'x-amzn-errortype') ?? body?.['__type'];
  if (typeof raw !== 'string') return undefined;
  const type = raw.split(':')[0] ?? '';
  return type.slice(type.lastIndexOf('#') + 1);
}

function messageOf(body: Record<string, unknown> | undefined): string {
  const message = body?.['message'] ?? body?.['Message'];
  return typeof message === 'string' ? message : '';
}

function serverTimeOf(response: AxiosResponse, message: string): number | undefined {
  // The message first: in browsers CORS hides the Date header unless the API exposes it.
  const stated = SERVER_TIME_IN_MESSAGE.exec(message);
  if (stated !== null) {
    const [, y, mo, d, h, mi, s] = stated;
    return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  }
  const date = headerOf(response, 'date');
  const parsed = date === undefined ? NaN : Date.parse(date);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * The URL that gave the final answer, where the adapter tells it: Node's http adapter (after
 * follow-redirects) and the browser's XMLHttpRequest do.
 */
function answeredFrom(response: AxiosResponse): string | undefined {
  const request = response.request as
    { res?: { responseUrl?: unknown }; responseURL?: unknown } | null | undefined;
  const url = request?.res?.responseUrl ?? request?.responseURL;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/**
 * Whether the final answer came from the signed origin: after a redirect to another origin, the
 * answer was not given to our signature (that hop carried none), so it says nothing about our
 * clock or credentials.
 */
export function answeredBySignedOrigin(response: AxiosResponse, origin: string): boolean {
  if (foreignAnswers.has(response)) return false;
  const url = answeredFrom(response);
  if (url === undefined) return true;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === origin;
  } catch {
    return false;
  }
}

/** How far AWS lets a request's signing time be from its own clock. */
const WINDOW_MS = 300_000;

/**
 * Reads AWS's 403 to a HEAD request, which has no body and so no message to say the time was
 * the fault: API Gateway answers HEAD with GET's headers only (`x-amzn-ErrorType:
 * InvalidSignatureException` and its `Date`). Only a `Date` more than AWS's 5-minute window from
 * `signedAt` (the time the request was signed for) is read as clock skew; closer, it is an
 * ordinary bad signature (a wrong key, say), and final.
 */
export function diagnoseHead(response: AxiosResponse, signedAt: number): Diagnosis {
  const serverTime = serverTimeOf(response, '');
  return errorTypeOf(response, undefined) === 'InvalidSignatureException' &&
    serverTime !== undefined &&
    Math.abs(serverTime - signedAt) > WINDOW_MS
    ? { kind: 'clock-skew', serverTime }
    : undefined;
}

/**
 * Reads a 403 from AWS: a wrong device clock, or expired credentials. Only AWS's own error type
 * counts (the `x-amzn-ErrorType` header or an AWS JSON `__type`), never the words of a message
 * alone: an application's 403 that says "token has expired" is the application's answer, and
 * is never acted on. Anything else is final.
 */
export function diagnose(error: Pick<AxiosError, 'response'>): Diagnosis {
  const { response } = error;
  if (response === undefined || response.status !== 403) return undefined;
  const body = jsonOf(response);
  const type = errorTypeOf(response, body);
  if (type === undefined) return undefined;
  if (EXPIRED_TOKEN_TYPES.has(type)) return { kind: 'expired-credentials' };
  const message = messageOf(body);
  if (
    TIME_WINDOW_TYPES.has(type) ||
    (type === 'InvalidSignatureException' && TIME_WINDOW_MESSAGE.test(message))
  ) {
    const serverTime = serverTimeOf(response, message);
    return serverTime === undefined ? undefined : { kind: 'clock-skew', serverTime };
  }
  return undefined;
}
