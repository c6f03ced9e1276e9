import { AxiosError } from 'axios';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import type { Call } from './call';
import { sentStreams } from './call';
import { followsRedirects, redirectHook } from './serverRedirects';
import type { Send, WireHop } from './signHop';

/**
 * Errors of hops that reached the adapter: the request may have left, so such an error is the
 * call's own outcome, never replaced by an earlier answer.
 */
export const sentErrors = new WeakSet<object>();

/**
 * Final answers that came from a hop after a redirect chase left the signed origin: such an
 * answer was not given to our signature, so recovery never acts on it.
 */
export const foreignAnswers = new WeakSet<AxiosResponse>();

/**
 * Sends one hop through the app's adapter, with every status accepted (the caller's
 * `validateStatus` judges the final answer only, once) and the call's signal. The adapter's own
 * `timeout` is off: the call has one deadline (see `withDeadline`).
 *
 * - With the fetch adapter where the signer follows redirects, fetch is always asked for
 *   `redirect: 'manual'` (axios before 1.20 does not map `maxRedirects: 0` to it).
 * - With the http adapter, the signer's redirect hook goes in front of the caller's
 *   `beforeRedirect`: no signer header follows a redirect to another origin or to plain http.
 * - A hop's error carries the caller's config, so a re-send (axios-retry) starts over from it.
 */
export const sendHop: Send<WireHop> = async (call, hop) => {
  const { config, app, host } = call;
  if (call.signal?.aborted === true) {
    // Nothing leaves after an abort; the deadline has already answered the caller.
    throw new AxiosError('aborted before sending', 'ERR_CANCELED', config);
  }
  const userHook = config.beforeRedirect;
  const sent = {
    ...config,
    url: hop.url,
    baseURL: undefined,
    params: undefined,
    allowAbsoluteUrls: true,
    method: hop.method.toLowerCase(),
    headers: hop.headers,
    data: hop.data,
    validateStatus: null,
    timeout: 0,
    signal: call.signal,
    beforeRedirect: (userHook === undefined
      ? host.redirectHook
      : redirectHook(host.redirectKey, userHook)) as InternalAxiosRequestConfig['beforeRedirect'],
  } as unknown as InternalAxiosRequestConfig;
  if (followsRedirects(call)) {
    const fetchOptions = config.fetchOptions as { redirect?: unknown } | undefined;
    // 'error' is safe as it is; anything else becomes 'manual', and the follower follows.
    if (fetchOptions?.redirect !== 'error') {
      sent.fetchOptions = { ...fetchOptions, redirect: 'manual' };
    }
  }
  if (call.body.stream && hop.data != null) sentStreams.add(hop.data);
  try {
    return await app.adapter(sent);
  } catch (error) {
    if (error instanceof AxiosError) error.config = config;
    if (typeof error === 'object' && error !== null) sentErrors.add(error);
    throw error;
  }
};

/** The final answer, judged by the caller's `validateStatus` as axios's own `settle` does. */
export function settle(response: AxiosResponse, call: Call, cause?: unknown): AxiosResponse {
  const { config } = call;
  response.config = config;
  const { validateStatus } = config;
  if (!response.status || !validateStatus || validateStatus(response.status)) return response;
  const error = new AxiosError(
    `Request failed with status code ${response.status}`,
    response.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST',
    config,
    response.request,
    response,
  );
  if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
  throw error;
}
