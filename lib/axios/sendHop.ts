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
 * - Where the signer follows redirects, fetch is always asked for `redirect: 'manual'` (axios
 *   before 1.20 does not map `maxRedirects: 0` to it), and the http adapter for
 *   `maxRedirects: 0`.
 * - Where the http adapter follows (the app's `transport`, an adapter function of the app's),
 *   the signer's redirect hook runs after the caller's `beforeRedirect`: no signer header
 *   follows a redirect to another origin or to plain http, whatever that hook added.
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
  if (config.transport != null)
    sent.transport = guardedTransport(config.transport, host.redirectHook);
  if (followsRedirects(call)) {
    const fetchOptions = config.fetchOptions as { redirect?: unknown } | undefined;
    // 'error' is safe as it is; anything else becomes 'manual', and the follower follows.
    if (fetchOptions?.redirect !== 'error') {
      sent.fetchOptions = { ...fetchOptions, redirect: 'manual' };
    }
    // The http adapter hands back the 3xx, and the follower signs the next hop anew.
    if (app.name === 'http') sent.maxRedirects = 0;
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

type Transport = {
  request: (options: { beforeRedirect?: unknown }, ...rest: unknown[]) => unknown;
};

/**
 * The app's own `transport` (follow-redirects, say) with the signer's redirect guard in it: axios's
 * http adapter installs `beforeRedirect` only on the transport it picks itself, so with the app's
 * transport a redirect to another origin would carry `X-Amz-Security-Token` and `X-Amz-Date`
 * (follow-redirects strips only `Authorization`). The guard runs after axios's own redirect steps
 * (proxy), as it does without a transport; everything else of the transport is left as it is.
 */
function guardedTransport(transport: unknown, guard: (...args: unknown[]) => void): unknown {
  const inner = transport as Transport;
  if (typeof inner.request !== 'function') return transport;
  return Object.assign(Object.create(inner) as Transport, {
    request(options: { beforeRedirect?: unknown }, ...rest: unknown[]) {
      const before = options.beforeRedirect;
      options.beforeRedirect = (...args: unknown[]) => {
        if (typeof before === 'function') (before as (...a: unknown[]) => void)(...args);
        guard(...args);
      };
      return inner.request(options, ...rest);
    },
  });
}

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
