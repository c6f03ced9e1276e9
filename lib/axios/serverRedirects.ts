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
 * fetch adapter, and with an adapter function of the app's (one that wraps the fetch adapter,
 * for logging say, would otherwise let fetch follow a redirect to another origin with
 * `X-Amz-Security-Token` and `X-Amz-Date`; one that wraps the http adapter still follows with the
 * signer's redirect hook, and the follower then only sees its final answer).
 */
export const followsRedirects = (call: Call): boolean =>
  (call.app.name === 'fetch' || call.app.name === undefined) && SERVER_RUNTIME;
