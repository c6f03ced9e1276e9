import { AxiosError, AxiosHeaders } from 'axios';
import type { AxiosResponse } from 'axios';

import { SIGNER_HEADERS } from '../signing/headers';
import type { Call, Hop } from './call';
import type { RequestTarget } from './canonicalize';
import { withoutPresignParams } from './redirectGuard';
import type { Send } from './signHop';

/**
 * What the follower shares with the rest of the dispatcher, handed over when the dispatcher is
 * composed: this module is bundled into a file of its own (browsers get a stand-in, see
 * `serverRedirects`), so it keeps no state and no error class of its own.
 */
export interface FollowerLinks {
  /** Whether the signer follows this call's redirects itself. */
  follows: (call: Call) => boolean;
  /** Errors that are the call's own outcome (see `sentErrors`). */
  sentErrors: WeakSet<object>;
  /**
   * Final answers that came from a hop after the chase left the signed origin: such an answer
   * was not given to our signature, so recovery never acts on it.
   */
  foreignAnswers: WeakSet<AxiosResponse>;
  /** An `ApigSignerError` with code `ERR_REDIRECT`. */
  redirectError: (message: string) => Error;
  resolveTarget: (config: { url: string }) => RequestTarget;
}

/** follow-redirects' default, which axios's http adapter uses. */
const DEFAULT_MAX_REDIRECTS = 21;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body: dropped with it. Ref: Fetch standard, "request-body-header name". */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];

/**
 * Headers that never follow a redirect to another origin: what Node's fetch (undici) and
 * follow-redirects drop there themselves. The follower sends every hop with `redirect: 'manual'`,
 * so it must drop them itself, or the app's cookies would reach the other origin.
 */
const CROSS_ORIGIN_DROPPED = ['authorization', 'proxy-authorization', 'cookie', 'host'];

/** What the next hop sends, by the Fetch standard's rules (§4.4 HTTP-redirect fetch). */
function nextMethod(status: number, method: string): { method: string; keepsBody: boolean } {
  if (
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    return { method: 'GET', keepsBody: false };
  }
  // Any other method keeps its body, as fetch and axios's http adapter (follow-redirects) do: a
  // PUT answered 301/302 that lost its body would store nothing and still succeed.
  return { method, keepsBody: true };
}

function locationOf(response: AxiosResponse): string | undefined {
  const value = AxiosHeaders.from(response.headers as never).get('location');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Follows redirects of a signed request sent with axios's fetch adapter in Node, Bun and Deno,
 * where the platform would follow them itself and keep `X-Amz-Security-Token` and `X-Amz-Date`
 * on a redirect to another origin (fetch strips only `Authorization`), and with the http adapter,
 * where follow-redirects would re-send a redirect on the signed origin with the old signature.
 * Every hop is sent with `redirect: 'manual'` (fetch) or `maxRedirects: 0` (http), whatever the
 * axios version and `maxRedirects`. With the http adapter, the app's `beforeRedirect` is called
 * for each hop as follow-redirects calls it (`options`, with `headers` it may change, the answer
 * and the request; a URL it writes into `options` is not followed), after `Cookie` and
 * `Proxy-Authorization` were dropped for another origin and before the signer's headers are:
 * nothing it adds of those reaches another origin.
 *
 * The rules of axios's http adapter, with the signer's guard:
 * - to the signed origin (scheme, host and port): signed again for the new URL, unless an
 *   earlier hop left it (a URL another origin chose is never signed);
 * - to any other origin, plain http included: sent without a signer header, and without the
 *   query-auth parameters a server copied into `Location`; without `Cookie`,
 *   `Proxy-Authorization` and the headers the app names in axios's `sensitiveHeaders`, as
 *   axios's http adapter drops them, on every axios version;
 * - only http and https: any other scheme (`data:`, `file:`) ends the call with `ERR_REDIRECT`,
 *   as does a `Location` with a user name or password in it (never sent, never shown);
 * - 303 (and 301/302 after a POST) becomes a GET without a body; otherwise the method and body
 *   are kept, but only a body that can be replayed: a stream body ends the chase and the 3xx is
 *   the answer;
 * - at most `maxRedirects` hops (default 21; 0 hands back the 3xx), then
 *   `ERR_FR_TOO_MANY_REDIRECTS`.
 */
export const followRedirects = (
  next: Send<Hop>,
  { follows, sentErrors, foreignAnswers, redirectError, resolveTarget }: FollowerLinks,
): Send<Hop> => {
  /** An error after a hop that left: the call's own outcome (see `sentErrors`). */
  const left = <E extends object>(error: E): E => {
    sentErrors.add(error);
    return error;
  };
  const refuse = (from: URL, why: string): Error =>
    left(
      redirectError(
        `${from.protocol}//${from.host} answered with a redirect that apig-signer does not follow: ${why}. The redirect's answer was not sent on; fix the redirect on the server, or send the request to its final URL.`,
      ),
    );
  return async (call, first) => {
    if (!follows(call)) return next(call, first);
    const { config } = call;
    const fetchOptions = config.fetchOptions as { redirect?: unknown } | undefined;
    const maxRedirects =
      fetchOptions?.redirect === 'manual' ? 0 : (config.maxRedirects ?? DEFAULT_MAX_REDIRECTS);
    let hop = first;
    for (let hops = 0; ; hops += 1) {
      const response = await next(call, hop);
      if (!hop.sign) foreignAnswers.add(response);
      const location = locationOf(response);
      if (!REDIRECTS.has(response.status) || location === undefined || maxRedirects === 0) {
        return response;
      }
      if (hops >= maxRedirects) {
        throw left(
          new AxiosError(
            'Maximum number of redirects exceeded',
            'ERR_FR_TOO_MANY_REDIRECTS',
            config,
            response.request,
            response,
          ),
        );
      }
      const { method, keepsBody } = nextMethod(response.status, hop.method);
      if (keepsBody && hop.data != null && call.body.stream) return response;

      let url: URL;
      try {
        url = new URL(location, hop.url);
      } catch {
        throw refuse(hop.url, 'its Location is not a URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw refuse(hop.url, `it leads to a ${url.protocol} URL`);
      }
      if (url.username !== '' || url.password !== '') {
        throw refuse(
          hop.url,
          `its Location (${url.protocol}//${url.host}) carries a user name or password`,
        );
      }
      // The 3xx's own body is not the caller's: a stream of it would hold its connection.
      const body = response.data as { destroy?: unknown } | null;
      if (typeof body?.destroy === 'function') (body as { destroy(): void }).destroy();
      // Once a hop left the signed origin, a URL it names is never signed: it was not ours.
      const sign = hop.sign && `${url.protocol}//${url.host}` === call.host.origin;
      // Query auth: never carry a signature or token that the server copied into `Location` away.
      if (!sign) url.search = withoutPresignParams(url.search);
      let headers = new AxiosHeaders(hop.headers);
      if (!keepsBody) for (const name of BODY_HEADERS) headers.delete(name);
      if (url.origin !== hop.url.origin) {
        // axios's `sensitiveHeaders` (1.21+) names the app's own secret headers: its http
        // follower drops them on a hop to another origin, and so does this one.
        const sensitive: unknown = (config as { sensitiveHeaders?: unknown }).sensitiveHeaders;
        for (const name of [
          ...CROSS_ORIGIN_DROPPED,
          ...(Array.isArray(sensitive) ? (sensitive as unknown[]) : []),
        ])
          if (typeof name === 'string') headers.delete(name);
      }
      const hook = config.beforeRedirect as unknown;
      if (call.app.name === 'http' && typeof hook === 'function') {
        // Where axios's http adapter (follow-redirects) would call it, with what it would pass.
        const options = {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          href: url.href,
          method,
          headers: headers.toJSON(),
        };
        try {
          (hook as (...args: unknown[]) => void)(
            options,
            { headers: response.headers, statusCode: response.status },
            { url: hop.url.href, method: hop.method, headers: hop.headers.toJSON() },
          );
        } catch (error) {
          // Thrown after a hop left: the call's own outcome, as an adapter's error would be.
          if (typeof error === 'object' && error !== null) left(error);
          throw error;
        }
        headers = new AxiosHeaders(options.headers);
      }
      // After the app's hook (which, as with follow-redirects, may set the others): nothing it
      // added of these reaches another origin, and a signed hop is signed anew.
      for (const name of SIGNER_HEADERS) headers.delete(name);
      const target = sign ? resolveTarget({ url: url.href }) : undefined;
      hop = {
        url,
        path: target?.path ?? url.pathname,
        query: target?.query ?? [],
        method,
        headers,
        data: keepsBody ? hop.data : undefined,
        sign,
      };
    }
  };
};
