import { AxiosError, AxiosHeaders } from 'axios';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import { SIGNER_HEADERS } from '../signing/headers';
import { withoutPresignParams } from './redirectGuard';
import type { SignedRecord } from './signedRecord';

/**
 * Final answers that came from a hop after the chase left the signed origin: such an answer was
 * not given to our signature, so recovery never acts on it.
 */
export const foreignAnswers = new WeakSet<AxiosResponse>();

/** Signs a config again for a new URL on the signed origin (the signer's own interceptor). */
export type Resign = (config: InternalAxiosRequestConfig) => Promise<InternalAxiosRequestConfig>;

/** follow-redirects' default, which axios's http adapter uses. */
const DEFAULT_MAX_REDIRECTS = 21;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body: dropped with it. Ref: Fetch standard, "request-body-header name". */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];

/** What the next hop sends, by the Fetch standard's rules (§4.4 HTTP-redirect fetch). */
function nextMethod(status: number, method: string): { method: string; keepsBody: boolean } {
  const upper = method.toUpperCase();
  if (
    (status === 303 && upper !== 'GET' && upper !== 'HEAD') ||
    ((status === 301 || status === 302) && upper === 'POST')
  ) {
    return { method: 'get', keepsBody: false };
  }
  // Any other method keeps its body, as fetch and axios's http adapter (follow-redirects) do: a
  // PUT answered 301/302 that lost its body would store nothing and still succeed.
  return { method, keepsBody: true };
}

/** Settles a final response by the caller's `validateStatus`, as axios's own `settle` does. */
function settle(response: AxiosResponse, config: InternalAxiosRequestConfig): AxiosResponse {
  response.config = config;
  const { validateStatus } = config;
  if (!response.status || !validateStatus || validateStatus(response.status)) return response;
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
    config,
    response.request,
    response,
  );
}

function locationOf(response: AxiosResponse): string | undefined {
  const value = AxiosHeaders.from(response.headers as never).get('location');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Follows redirects of a signed request sent with axios's fetch adapter, where the platform
 * (Node's undici, Bun, Deno) would follow them itself and keep `X-Amz-Security-Token` and
 * `X-Amz-Date` on a redirect to another origin (fetch strips only `Authorization`).
 *
 * The rules of axios's http adapter, with the signer's guard:
 * - to the signed origin: signed again for the new URL, unless an earlier hop left it (a URL
 *   another origin chose is never signed, as on the http adapter);
 * - to any other origin: sent without a signer header;
 * - 303 (and 301/302 after a POST) becomes a GET without a body; otherwise the method and body
 *   are kept, but only a body that can be replayed: a stream body ends the chase and the 3xx is
 *   the answer;
 * - a hop that fails rejects with the caller's config on the error, so a re-send starts over;
 * - at most `maxRedirects` hops (default 21), then `ERR_FR_TOO_MANY_REDIRECTS`.
 *
 * Each hop is sent with `redirect: 'manual'` and every status accepted; the caller's
 * `validateStatus` judges the final answer only.
 */
export async function followFetchRedirects(
  adapter: AxiosAdapter,
  config: InternalAxiosRequestConfig,
  record: SignedRecord,
  resign: Resign,
): Promise<AxiosResponse> {
  const maxRedirects = config.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const manual = (hop: InternalAxiosRequestConfig): InternalAxiosRequestConfig => ({
    ...hop,
    validateStatus: null,
    fetchOptions: { ...(hop.fetchOptions as object | undefined), redirect: 'manual' },
  });
  let hop = config;
  let url = new URL(record.url);
  /** Once a hop left the signed origin, a URL it names is never signed: it was not ours. */
  let left = false;
  for (let hops = 0; ; hops += 1) {
    let response: AxiosResponse;
    try {
      response = await adapter(manual(hop));
    } catch (error) {
      // The caller's request, not a hop with every status accepted, is what a re-send
      // (axios-retry, the caller) must start from.
      if (error instanceof AxiosError) error.config = config;
      throw error;
    }
    if (left) foreignAnswers.add(response);
    const location = locationOf(response);
    if (!REDIRECTS.has(response.status) || location === undefined) return settle(response, config);
    if (hops >= maxRedirects) {
      throw new AxiosError(
        'Maximum number of redirects exceeded',
        AxiosError.ERR_FR_TOO_MANY_REDIRECTS,
        config,
        response.request,
        response,
      );
    }
    const { method, keepsBody } = nextMethod(response.status, hop.method ?? 'get');
    if (keepsBody && hop.data != null && !record.replayable) return settle(response, config);

    const next = new URL(location, url);
    left ||= `${next.protocol}//${next.host}` !== record.origin;
    // Query auth: never carry a signature or token that the server copied into `Location` away.
    if (left) next.search = withoutPresignParams(next.search);
    const headers = new AxiosHeaders(hop.headers);
    for (const name of SIGNER_HEADERS) headers.delete(name);
    headers.delete('content-length');
    if (!keepsBody) for (const name of BODY_HEADERS) headers.delete(name);
    const moved: InternalAxiosRequestConfig = {
      ...hop,
      url: next.href,
      method,
      headers,
      data: keepsBody ? (hop.data as unknown) : undefined,
      params: undefined,
      allowAbsoluteUrls: true,
      transformRequest: [],
    };
    hop = left ? moved : await resign(moved);
    url = next;
  }
}
