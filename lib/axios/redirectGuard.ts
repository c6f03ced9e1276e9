import { SIGNER_HEADERS } from '../signing/headers';
import { PRESIGN_QUERY_PARAMS } from '../signing/uri';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * A query (with or without `?`) without the parameters of SigV4 query auth, every other pair
 * left exactly as written: a redirect away must not carry a signature or session token that the
 * redirecting server copied into `Location`.
 */
export function withoutPresignParams(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (!/x-amz-/i.test(query)) return search;
  const kept = query.split('&').filter((pair) => {
    const name = pair.split('=')[0] ?? '';
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: compare the name as written.
    }
    return !PRESIGN_QUERY_PARAMS.has(decoded.toLowerCase());
  });
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

/** The signer's own redirect hook: see {@link redirectHook}. */
export type RedirectHook = (...args: unknown[]) => void;

/**
 * `scheme://name:port` with the scheme's default port filled in: how redirect targets are
 * compared. The scheme counts: https to http on the same host and port is another origin, and
 * there the session token would travel in clear text.
 */
export const hostKey = (protocol: string, hostname: string, port: string): string =>
  `${protocol.toLowerCase()}//${hostname.replace(/^\[|\]$/g, '').toLowerCase()}:${port || (DEFAULT_PORTS[protocol] ?? '')}`;

/**
 * The redirect guard of axios's Node http adapter. Its redirect follower strips `Authorization`
 * (and cookies) when a redirect leaves the host, but not `X-Amz-Security-Token`: a redirect must
 * never hand a session token to another host. The hook calls the caller's own `beforeRedirect`,
 * if any, then strips the signer's headers (and query-auth parameters) from a redirect away from
 * `signedFor` (a {@link hostKey}): last, so nothing that hook adds of them, or any other origin
 * it points the redirect at, escapes the guard.
 */
export function redirectHook(signedFor: string, userHook: unknown): RedirectHook {
  const hook = (...args: unknown[]) => {
    // The caller's hook first: the guard below then sees (and strips) whatever it added.
    if (typeof userHook === 'function') (userHook as (...a: unknown[]) => void)(...args);
    const options = args[0] as {
      protocol?: string;
      hostname?: string;
      port?: string | number;
      headers?: Record<string, unknown>;
      path?: string;
      search?: string | null;
      href?: string;
    };
    const target = hostKey(
      options.protocol ?? '',
      options.hostname ?? '',
      String(options.port ?? ''),
    );
    if (target !== signedFor && options.headers !== undefined) {
      for (const name of Object.keys(options.headers)) {
        // The redirect's own header bag, handed to us to edit.
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
        if (SIGNER_HEADERS.includes(name.toLowerCase())) delete options.headers[name];
      }
    }
    if (target !== signedFor && typeof options.path === 'string') {
      // Query auth: follow-redirects sends `path` (path and query) as it is.
      const at = options.path.indexOf('?');
      if (at !== -1) {
        const search = withoutPresignParams(options.path.slice(at));
        options.path = `${options.path.slice(0, at)}${search}`;
        if (typeof options.search === 'string') options.search = search;
        if (typeof options.href === 'string') {
          const hrefAt = options.href.indexOf('?');
          if (hrefAt !== -1) options.href = `${options.href.slice(0, hrefAt)}${search}`;
        }
      }
    }
  };
  return hook;
}
