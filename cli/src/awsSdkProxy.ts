import { Agent as HttpAgent } from 'node:http';
import type { ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

import { PROXY_VARIABLES, proxyFor } from './proxyFor';
import type { Proxy, ProxyOptions } from './proxyFor';
import { tunnel } from './transport';

/** The part of an AWS SDK client's configuration that carries its HTTP agents. */
export interface AwsSdkClientConfig {
  requestHandler: { httpAgent: HttpAgent; httpsAgent: HttpsAgent };
}

type Done = (error: Error | null, socket: Duplex) => void;

/** The server a connection is for, as a URL (an IPv6 address in brackets). */
function targetOf(protocol: 'http:' | 'https:', options: ClientRequestArgs): URL {
  const host = options.hostname ?? options.host ?? 'localhost';
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const port = options.port === undefined || options.port === null ? '' : `:${options.port}`;
  return new URL(`${protocol}//${name}${port}`);
}

/**
 * Opens a connection through a CONNECT tunnel when `route` names a proxy for its server, else as
 * the agent would by itself; `wrap` puts TLS on the tunnel for https://.
 */
function tunnelled(
  protocol: 'http:' | 'https:',
  options: ClientRequestArgs,
  done: Done,
  route: (target: URL) => Proxy | undefined,
  direct: () => Duplex | null | undefined,
  wrap: (socket: Socket) => Duplex,
): Duplex | null | undefined {
  const target = targetOf(protocol, options);
  const proxy = route(target);
  if (proxy === undefined) return direct();
  tunnel(proxy, target, (error, socket) => {
    if (error !== null || socket === undefined) {
      done(error ?? new Error(`no tunnel to ${target.host}`), undefined as unknown as Duplex);
      return;
    }
    done(null, wrap(socket));
  });
  return undefined;
}

class ProxyHttpsAgent extends HttpsAgent {
  readonly #route: (target: URL) => Proxy | undefined;

  constructor(route: (target: URL) => Proxy | undefined) {
    super({ keepAlive: false });
    this.#route = route;
  }

  override createConnection(options: HttpsRequestOptions, done: Done): Duplex | null | undefined {
    return tunnelled(
      'https:',
      options,
      done,
      this.#route,
      () => super.createConnection(options, done),
      // The server's certificate is checked for its own name, as on a direct connection.
      (socket) => tlsConnect({ ...(options as object), socket }),
    );
  }
}

class ProxyHttpAgent extends HttpAgent {
  readonly #route: (target: URL) => Proxy | undefined;

  constructor(route: (target: URL) => Proxy | undefined) {
    super({ keepAlive: false });
    this.#route = route;
  }

  override createConnection(options: ClientRequestArgs, done: Done): Duplex | null | undefined {
    return tunnelled(
      'http:',
      options,
      done,
      this.#route,
      () => super.createConnection(options, done),
      (socket) => socket,
    );
  }
}

/**
 * The client configuration that sends the AWS SDK's own calls for a profile (STS to assume a
 * role or exchange a web identity token, SSO and SSO OIDC, the sign-in service) through the
 * proxy the command chose for the API call, by the same rules ({@link proxyFor}: `-x` first,
 * else the proxy variables; none for a host in `--noproxy`, else `NO_PROXY`). Each connection
 * is routed by its own server, through a CONNECT tunnel (https:// then runs TLS end to end with
 * the server; an http:// endpoint, such as a local stand-in, is tunnelled too).
 *
 * Returns `undefined` when neither `-x` nor a proxy variable is set: the SDK's clients then keep
 * their own defaults untouched. Instance metadata and container credentials never use it (the
 * SDK reaches them with its own client, and a proxy must not see them).
 *
 * @throws {@link CliError} exit 2 for a proxy that is not an http:// URL, before any call.
 */
export function awsSdkClientConfig(
  options: ProxyOptions,
  env: NodeJS.ProcessEnv,
): AwsSdkClientConfig | undefined {
  const anyProxy =
    options.proxy !== undefined ||
    PROXY_VARIABLES.some((name) => env[name] !== undefined && env[name] !== '');
  if (!anyProxy) return undefined;
  // A proxy that is not a URL is refused now, as for the API call.
  for (const scheme of ['https:', 'http:']) {
    proxyFor(new URL(`${scheme}//sts.amazonaws.com`), { ...options, noProxy: '' }, env);
  }
  const route = (target: URL) => proxyFor(target, options, env);
  return {
    requestHandler: {
      httpAgent: new ProxyHttpAgent(route),
      httpsAgent: new ProxyHttpsAgent(route),
    },
  };
}
