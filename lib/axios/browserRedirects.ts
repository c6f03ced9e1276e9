/**
 * What browser bundles get in place of `serverRedirects` (package.json's `browser` field): the
 * same exports, doing nothing, since in a browser the platform follows redirects itself and the
 * signer could not act on them anyway.
 *
 * - XMLHttpRequest (axios's `xhr` adapter) always follows a redirect, with no hook: axios's
 *   `beforeRedirect` is an option of the Node http adapter only, and no browser adapter calls it.
 *   So the caller's own hook is passed on as it is, and no redirect key is needed.
 * - fetch (axios's `fetch` adapter) with `redirect: 'manual'` hands back an opaque answer, with
 *   no status and no `Location`, so there is nothing to follow by hand: the browser follows.
 *   Recovery still tells an answer from another origin by the final URL the browser reports
 *   (`responseURL`), as it did before, so it never acts on an answer our signature did not get.
 *
 * In a browser, a redirect to another origin is a CORS request: the browser drops
 * `Authorization`, and the new origin's preflight decides whether it accepts the other headers.
 */
import type * as server from './serverRedirects';

export type { FollowerLinks, RedirectHook } from './serverRedirects';

// Typed as the server module's exports, so the two stay interchangeable.

/** Browsers follow redirects themselves: every call goes straight on. */
export const followRedirects: typeof server.followRedirects = (next) => next;

/** No browser adapter calls `beforeRedirect`: no key to compare redirect targets with. */
export const hostKey: typeof server.hostKey = () => '';

/** No browser adapter calls `beforeRedirect`: the caller's own hook, untouched. */
export const redirectHook: typeof server.redirectHook = (_signedFor, userHook) =>
  userHook as server.RedirectHook;

/** Never: the browser follows. */
export const followsRedirects: typeof server.followsRedirects = () => false;
