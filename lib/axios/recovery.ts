import type { AxiosError, AxiosResponse } from 'axios';

/** What a 403 from AWS says went wrong, when it is something re-signing can fix. */
export type Diagnosis =
  { kind: 'clock-skew'; serverTime: number } | { kind: 'expired-credentials' } | undefined;

/** AWS states its own time in clock-skew answers: "… (20260101T001000Z - 5 min.)". */
const SERVER_TIME_IN_MESSAGE =
  /\((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\s*[-+]\s*\d+\s*min\.?\)/;
const CLOCK_SKEW =
  /Signature expired|Signature not yet current|Request is not yet valid|time.*skew/i;
const EXPIRED_TOKEN = /security token included in the request is expired|token has expired/i;

/** The message of an AWS error answer, whatever the response type. */
function messageOf(response: AxiosResponse): string {
  let data: unknown = response.data;
  if (data instanceof ArrayBuffer) data = new TextDecoder().decode(data);
  else if (ArrayBuffer.isView(data)) data = new TextDecoder().decode(data);
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      return data as string;
    }
  }
  if (typeof data === 'object' && data !== null) {
    const { message, Message } = data as { message?: unknown; Message?: unknown };
    if (typeof message === 'string') return message;
    if (typeof Message === 'string') return Message;
  }
  return '';
}

function headerOf(response: AxiosResponse, name: string): string | undefined {
  const headers = response.headers as Record<string, unknown> & { get?: (n: string) => unknown };
  const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  return typeof value === 'string' ? value : undefined;
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

/** Reads a 403 from AWS: a wrong device clock, or expired credentials; anything else is final. */
export function diagnose(error: AxiosError): Diagnosis {
  const { response } = error;
  if (response === undefined || response.status !== 403) return undefined;
  const type = (headerOf(response, 'x-amzn-errortype') ?? '').split(':')[0] ?? '';
  const message = messageOf(response);
  if (CLOCK_SKEW.test(message)) {
    const serverTime = serverTimeOf(response, message);
    return serverTime === undefined ? undefined : { kind: 'clock-skew', serverTime };
  }
  if (type === 'ExpiredTokenException' || EXPIRED_TOKEN.test(message)) {
    return { kind: 'expired-credentials' };
  }
  return undefined;
}
