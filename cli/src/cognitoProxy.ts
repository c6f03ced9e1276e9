import { usageError } from './exitCodes';
import { NO_PROXY_VARIABLES, PROXY_VARIABLES, proxyFor } from './proxyFor';
import type { ProxyOptions } from './proxyFor';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The Cognito services the library calls for a user: the endpoint given, or AWS's two, the user
 * pool's (cognito-idp) first.
 */
export function cognitoEndpoints(user: {
  userPoolId: string;
  endpoint: string | undefined;
}): string[] {
  if (user.endpoint !== undefined) return [user.endpoint];
  const region = user.userPoolId.split('_')[0] as string;
  return [
    `https://cognito-idp.${region}.amazonaws.com/`,
    `https://cognito-identity.${region}.amazonaws.com/`,
  ];
}

/** The options of `createCognitoAuth` that name the user's pool, app client and endpoints. */
export function cognitoPoolOptions(user: {
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  endpoint: string | undefined;
}) {
  return {
    region: user.userPoolId.split('_')[0] as string,
    userPoolId: user.userPoolId,
    clientId: user.clientId,
    identityPoolId: user.identityPoolId,
    endpoints:
      user.endpoint === undefined
        ? undefined
        : { userPool: user.endpoint, identity: user.endpoint },
  };
}

/**
 * Sends the library's Cognito calls through the proxy the command chose for them, by curl's rules
 * as for the API call: `-x` first, else the proxy variables (a proxy without a scheme is
 * http://), none for a host in `--noproxy`, else `NO_PROXY`. The library reads the variables of
 * `libraryEnv` (the process's environment, not the command's copy of it), so they are rewritten
 * there to say exactly that choice: one `<scheme>_proxy` per scheme proxied, `no_proxy` naming
 * each endpoint reached directly (`host:port`, or `*` when none is proxied), nothing else.
 *
 * Never sends anything itself, and never leaves a Cognito call proxied that the command's rules
 * send directly (or the reverse).
 *
 * @throws {@link CliError} exit 2 for a proxy that is not an http:// URL, or when a proxy applies
 * and this Node cannot send through one (`process.getBuiltinModule`, Node 20.16 and later).
 */
export function routeCognitoCalls(
  endpoints: readonly string[],
  options: ProxyOptions,
  env: NodeJS.ProcessEnv,
  libraryEnv: NodeJS.ProcessEnv = process.env,
): void {
  const proxied = new Map<string, string>();
  const direct: string[] = [];
  let source: string | undefined;
  for (const endpoint of endpoints) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      continue; // the library refuses it with its own message, before any call
    }
    const proxy = proxyFor(url, options, env);
    if (proxy === undefined) {
      direct.push(`${url.hostname}:${url.port || (DEFAULT_PORTS[url.protocol] ?? '0')}`);
    } else {
      proxied.set(url.protocol.replace(/:$/, ''), proxy.url.href);
      source ??= proxy.source;
    }
  }
  if (source !== undefined && typeof process.getBuiltinModule !== 'function') {
    throw usageError(
      `Cognito calls through a proxy (${source}) need Node 20.16 or later; this is Node ${process.versions.node}: upgrade Node, or reach Cognito directly with --noproxy`,
    );
  }
  // The variables `apig-signer/cognito` reads in Node to choose a proxy: the same as the command's.
  for (const name of [...PROXY_VARIABLES, ...NO_PROXY_VARIABLES]) {
    Reflect.deleteProperty(libraryEnv, name);
  }
  for (const [scheme, url] of proxied) libraryEnv[`${scheme}_proxy`] = url;
  libraryEnv['no_proxy'] = proxied.size === 0 ? '*' : direct.join(',');
  if (libraryEnv['no_proxy'] === '') delete libraryEnv['no_proxy'];
}
