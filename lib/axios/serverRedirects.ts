/**
 * Redirects in Node, Bun and Deno: the fetch redirect follower and the http adapter's redirect
 * hook. Built into a file of its own (`dist/axios/serverRedirects.*`), which package.json's
 * `browser` field maps to `browserRedirects` for browser bundles. No state and no error class
 * here: what the follower shares with the dispatcher is handed over (see `FollowerLinks`).
 */
import type { Call } from './call';

export { followRedirects } from './followRedirects';
export type { FollowerLinks } from './followRedirects';
export { hostKey, redirectHook } from './redirectGuard';
export type { RedirectHook } from './redirectGuard';

/**
 * Node, Bun and Deno hand a manual redirect's 3xx (with `Location`) to the caller; browsers give
 * an opaque answer without it, so there the platform's own following is left alone. Read once:
 * the runtime does not change under a running program.
 */
const runtime = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
const SERVER_RUNTIME = runtime.process?.versions?.node !== undefined || runtime.Deno !== undefined;

/**
 * Whether the signer follows this call's redirects itself (see `followRedirects`): with axios's
 * fetch adapter; with the http adapter (follow-redirects would re-send a redirect on the signed
 * origin with the old signature, for the old path), unless the app gives its own `transport`,
 * which follows as it will (the redirect guard then rides in it, see `sendHop`); and with an
 * adapter function of the app's (one that wraps the fetch adapter, for logging say, would
 * otherwise let fetch follow a redirect to another origin with `X-Amz-Security-Token` and
 * `X-Amz-Date`; one that wraps the http adapter still follows with the signer's redirect hook,
 * and the follower then only sees its final answer).
 */
export const followsRedirects = ({ app, config }: Call): boolean =>
  (app.name === 'fetch' || app.name === undefined || (app.name === 'http' && !config.transport)) &&
  SERVER_RUNTIME;
