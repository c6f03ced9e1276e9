import type { InternalAxiosRequestConfig } from 'axios';

import { SIGNER_HEADERS } from '../signing/headers';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** The signer's own redirect hook: see {@link redirectHook}. */
export type RedirectHook = ((...args: unknown[]) => void) & { userHook: unknown };

/** `name:port` with the scheme's default port filled in: how redirect targets are compared. */
export const hostKey = (protocol: string, hostname: string, port: string): string =>
  `${hostname.replace(/^\[|\]$/g, '').toLowerCase()}:${port || (DEFAULT_PORTS[protocol] ?? '')}`;

/**
 * The redirect guard of axios's Node http adapter. Its redirect follower strips `Authorization`
 * (and cookies) when a redirect leaves the host, but not `X-Amz-Security-Token`: a redirect must
 * never hand a session token to another host. The hook strips the signer's headers from a
 * redirect away from `signedFor` (a {@link hostKey}), then calls the caller's own
 * `beforeRedirect`, if any.
 */
export function redirectHook(signedFor: string, userHook: unknown): RedirectHook {
  const hook = (...args: unknown[]) => {
    const options = args[0] as {
      protocol?: string;
      hostname?: string;
      port?: string | number;
      headers?: Record<string, unknown>;
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
    if (typeof userHook === 'function') (userHook as (...a: unknown[]) => void)(...args);
  };
  return Object.assign(hook, { userHook });
}

/** The caller's own `beforeRedirect`, however often the config has been signed. */
export function userRedirectHook(config: InternalAxiosRequestConfig): unknown {
  const existing = config.beforeRedirect as Partial<RedirectHook> | undefined;
  return existing !== undefined && 'userHook' in existing ? existing.userHook : existing;
}
