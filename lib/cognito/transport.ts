import { ApigSignerError } from '../index';
import { CognitoFailure, classify, exhausted } from './failures';
import type { RetryPolicy } from './failures';
// Node only: package.json's `browser` field maps it to ./noProxy for browser bundles.
import * as nodeProxy from './nodeProxy';
import type { ProxiedResponse } from './nodeProxy';

/** One way to call both Cognito services: the same timeout, retries and error shapes. */
export interface Transport {
  /**
   * Calls `{service}.{operation}` at `endpoint` and resolves to the answer's JSON. Each attempt
   * is abandoned after `timeoutMs`; throttling, 5xx, network errors and timeouts are retried
   * with backoff, then end in a `CognitoServiceError`. Other refusals reject with a
   * {@link CognitoFailure} (Cognito's error type and message).
   */
  call(
    what: string,
    endpoint: string,
    target: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
}

export interface TransportOptions {
  timeoutMs: number;
  retry: RetryPolicy;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

function errorType(payload: Record<string, unknown>, header: string | null): string | undefined {
  // `__type` may be `com.amazonaws…#NotAuthorizedException`; the header `Type:http://…`.
  const raw = payload['__type'] ?? payload['code'] ?? header?.split(':')[0];
  return typeof raw === 'string' && raw !== '' ? raw.split('#').pop() : undefined;
}

/** One attempt: POST the JSON, give up after `timeoutMs`, and read the answer. */
async function attempt(
  endpoint: string,
  target: string,
  body: Record<string, unknown>,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, timeoutMs);
  try {
    let response: Response | ProxiedResponse;
    try {
      const request = {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': target,
          'Cache-Control': 'no-store',
        },
        body: JSON.stringify(body),
        signal: controller.signal,
      };
      // In Node, HTTPS_PROXY/HTTP_PROXY/NO_PROXY as axios honours them for the signed calls.
      const proxy =
        typeof nodeProxy.proxyForUrl === 'function' && nodeProxy.canProxy()
          ? nodeProxy.proxyForUrl(endpoint)
          : undefined;
      response =
        proxy === undefined
          ? await fetch(endpoint, request)
          : await nodeProxy.fetchThroughProxy(endpoint, request, proxy);
    } catch (error) {
      if (controller.signal.aborted) {
        throw new CognitoFailure('RequestTimeout', `No answer within ${timeoutMs} ms.`, 0);
      }
      throw new CognitoFailure('NetworkError', 'The request failed before an answer.', 0, {
        cause: error,
      });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new CognitoFailure('RequestTimeout', `No answer within ${timeoutMs} ms.`, 0);
      }
      throw new CognitoFailure('NetworkError', 'The answer was cut off.', 0, { cause: error });
    }
    let payload: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text || '{}');
      if (typeof parsed === 'object' && parsed !== null)
        payload = parsed as Record<string, unknown>;
    } catch {
      // not JSON: handled below
    }
    const type = errorType(payload ?? {}, response.headers.get('x-amzn-errortype'));
    if (response.ok && payload !== undefined && type === undefined) return payload;
    if (type !== undefined) {
      const message = payload?.['message'] ?? payload?.['Message'];
      throw new CognitoFailure(type, typeof message === 'string' ? message : '', response.status);
    }
    // A body that is not Cognito's JSON (a proxy's page, a cut answer): 5xx-like, retried.
    throw new CognitoFailure(
      'MalformedResponse',
      `HTTP ${response.status} with a body that is not Cognito's JSON.`,
      response.status >= 400 && response.status < 500 ? response.status : 502,
    );
  } finally {
    clearTimeout(timer);
  }
}

export function createTransport(options: TransportOptions): Transport {
  const { timeoutMs, retry } = options;
  return {
    async call(what, endpoint, target, body) {
      for (let attempts = 1; ; attempts += 1) {
        try {
          return await attempt(endpoint, target, body, timeoutMs);
        } catch (error) {
          if (error instanceof ApigSignerError || classify(error) === undefined) throw error;
          if (attempts > retry.retries) throw exhausted(what, error as CognitoFailure, attempts);
          await sleep(retry.baseDelayMs * 2 ** (attempts - 1) * (0.5 + Math.random() / 2));
        }
      }
    },
  };
}
