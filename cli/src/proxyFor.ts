import { usageError } from './exitCodes';

/** An HTTP proxy to send through (curl's `-x`, or the proxy environment variables). */
export interface Proxy {
  url: URL;
  /** Where the proxy came from, for messages: `-x` or the variable's name. */
  source: string;
}

/** `-x` and `--noproxy`, as the command read them: `undefined` when not given. */
export interface ProxyOptions {
  proxy: string | undefined;
  noProxy: string | undefined;
}

/**
 * The variables that can name a proxy, in the order {@link proxyFor} reads them (lower case
 * first): the scheme's own, then `all_proxy`.
 */
export const PROXY_VARIABLES: readonly string[] = [
  'https_proxy',
  'http_proxy',
  'all_proxy',
].flatMap((name) => [name, name.toUpperCase()]);

/** The variables that name the hosts reached directly, in the order {@link proxyFor} reads them. */
export const NO_PROXY_VARIABLES: readonly string[] = ['no_proxy', 'NO_PROXY'];

/** `--noproxy` / `NO_PROXY`: `*`, or host names and domains (`.example.com` or `example.com`). */
function bypasses(hostname: string, list: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return list
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '')
    .some((entry) => {
      if (entry === '*') return true;
      const name = entry.replace(/^\./, '').replace(/:\d+$/, '');
      return host === name || host.endsWith(`.${name}`);
    });
}

function proxyUrl(text: string, source: string): URL {
  let url: URL;
  try {
    // curl's rule: a proxy without a scheme is an http:// proxy.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw usageError(`${source} ${JSON.stringify(text)} is not a proxy URL: give http://host:port`);
  }
  if (url.protocol !== 'http:') {
    throw usageError(
      `${source} ${url.protocol}// proxies are not supported: give an http:// proxy (https:// targets go through it with CONNECT)`,
    );
  }
  return url;
}

/**
 * The proxy for one URL, as curl chooses it: `-x` first, else `https_proxy`/`HTTPS_PROXY` for
 * https:// (`http_proxy`/`HTTP_PROXY` for http://), else `all_proxy`/`ALL_PROXY`; none when the
 * host is in `--noproxy`, else `no_proxy`/`NO_PROXY`.
 *
 * @throws {@link CliError} exit 2 for a proxy that is not an http:// URL.
 */
export function proxyFor(
  target: URL,
  options: ProxyOptions,
  env: NodeJS.ProcessEnv,
): Proxy | undefined {
  const noProxy =
    options.noProxy ?? NO_PROXY_VARIABLES.map((name) => env[name]).find((v) => v !== undefined);
  if (noProxy !== undefined && bypasses(target.hostname, noProxy)) return undefined;
  if (options.proxy !== undefined) return { url: proxyUrl(options.proxy, '-x'), source: '-x' };
  const scheme = target.protocol === 'https:' || target.protocol === 'wss:' ? 'https' : 'http';
  const names = PROXY_VARIABLES.filter((name) =>
    [`${scheme}_proxy`, 'all_proxy'].includes(name.toLowerCase()),
  );
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { url: proxyUrl(value, name), source: name };
  }
  return undefined;
}
