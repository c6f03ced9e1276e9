/**
 * What browser bundles get in place of ./nodeProxy (package.json's `browser` field): no proxy
 * of our own, since the platform's `fetch` applies the platform's proxy settings. The same
 * exports, so bundlers find every name they look for.
 */

/** Never a proxy here. */
export const proxyForUrl = (): string | undefined => undefined;

/** No node:http here. */
export const canProxy = (): boolean => false;

/** Never called (no proxy is ever chosen here). */
export const fetchThroughProxy = (): Promise<never> =>
  Promise.reject(new Error('No proxy support in this runtime.'));
