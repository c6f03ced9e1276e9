/**
 * Cognito calls through the proxy the environment names, in Node, as axios sends the signed API
 * calls: `HTTPS_PROXY` / `HTTP_PROXY` (or `ALL_PROXY`, any case) chosen by the endpoint's
 * scheme, `NO_PROXY` exceptions (proxy-from-env's rules: host names, `.suffix` or `*.suffix`,
 * `host:port`, `*`); an https endpoint is reached through a CONNECT tunnel (TLS to Cognito end to
 * end), an http one (the emulator) by forwarding. Node's own `fetch` ignores these variables.
 *
 * node:http, node:https and node:tls are reached through `process.getBuiltinModule` (Node ≥
 * 20.16), never imported, so browser bundles never see them; elsewhere (browsers, React Native,
 * Deno, Bun) the platform's `fetch` applies the platform's proxy settings.
 */

interface Env {
  [name: string]: string | undefined;
}

interface IncomingMessage {
  statusCode?: number | undefined;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', listener: (chunk: Uint8Array) => void): void;
  on(event: 'end' | 'error', listener: (error?: Error) => void): void;
}
interface ClientRequest {
  on(event: 'response', listener: (response: IncomingMessage) => void): ClientRequest;
  on(
    event: 'connect',
    listener: (response: IncomingMessage, socket: unknown) => void,
  ): ClientRequest;
  on(event: 'error', listener: (error: Error) => void): ClientRequest;
  end(body?: string): void;
  destroy(error?: Error): void;
}
interface HttpModule {
  request(options: Record<string, unknown>): ClientRequest;
}
interface TlsModule {
  connect(options: Record<string, unknown>): unknown;
}

function builtin(id: string): unknown {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  try {
    return typeof get === 'function' ? get(id) : undefined;
  } catch {
    return undefined;
  }
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

function envOf(env: Env, name: string): string {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || '';
}

/** Whether NO_PROXY lets `hostname:port` be proxied (proxy-from-env's `shouldProxy`). */
function shouldProxy(env: Env, hostname: string, port: number): boolean {
  const noProxy = envOf(env, 'no_proxy').toLowerCase();
  if (!noProxy) return true;
  if (noProxy === '*') return false;
  return noProxy.split(/[,\s]/).every((entry) => {
    if (!entry) return true;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    let host = withPort?.[1] ?? entry;
    const entryPort = withPort?.[2] === undefined ? 0 : parseInt(withPort[2], 10);
    if (entryPort && entryPort !== port) return true;
    if (!/^[.*]/.test(host)) return hostname !== host;
    if (host.startsWith('*')) host = host.slice(1);
    return !hostname.endsWith(host);
  });
}

/**
 * The proxy for `url` from the environment, or `undefined`: proxy-from-env's
 * `getProxyForUrl`, which axios uses for the signed calls.
 */
export function proxyForUrl(url: string, env: Env | undefined = nodeEnv()): string | undefined {
  if (env === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = parsed.protocol.split(':', 1)[0] ?? '';
  if (parsed.host === '' || scheme === '') return undefined;
  const hostname = parsed.host.replace(/:\d*$/, '');
  const port = parseInt(parsed.port, 10) || DEFAULT_PORTS[scheme] || 0;
  if (!shouldProxy(env, hostname, port)) return undefined;
  let proxy = envOf(env, `${scheme}_proxy`) || envOf(env, 'all_proxy');
  if (proxy && !proxy.includes('://')) proxy = `${scheme}://${proxy}`;
  return proxy || undefined;
}

function nodeEnv(): Env | undefined {
  const process = (globalThis as { process?: { env?: Env; versions?: { node?: string } } }).process;
  return process?.versions?.node === undefined ? undefined : process.env;
}

/** Whether this runtime can send through a proxy here (Node with getBuiltinModule). */
export function canProxy(): boolean {
  return builtin('node:http') !== undefined;
}

export interface ProxiedRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** `Proxy-Authorization` for a proxy URL with user and password, as axios sends it. */
function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === '' && proxy.password === '') return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  const bytes = new TextEncoder().encode(credentials);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { 'Proxy-Authorization': `Basic ${btoa(binary)}` };
}

/** What the transport reads of an answer: the part of `Response` it uses. */
export interface ProxiedResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Reads a whole answer. */
function toResponse(message: IncomingMessage): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    message.on('data', (chunk) => chunks.push(chunk));
    message.on('error', (error) => {
      reject(error ?? new Error('The answer was cut off.'));
    });
    message.on('end', () => {
      const status = message.statusCode ?? 502;
      const body = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.length;
      }
      resolve({
        ok: status >= 200 && status < 300,
        status,
        headers: {
          get: (name) => {
            const value = message.headers[name.toLowerCase()];
            return value === undefined ? null : String(value);
          },
        },
        text: () => Promise.resolve(new TextDecoder().decode(body)),
      });
    });
  });
}

/**
 * Sends one request to `url` through `proxyUrl`: CONNECT and TLS for https, forwarding for
 * http. Aborting `signal` destroys the connection.
 */
export function fetchThroughProxy(
  url: string,
  request: ProxiedRequest,
  proxyUrl: string,
): Promise<ProxiedResponse> {
  const http = builtin('node:http') as HttpModule | undefined;
  const https = builtin('node:https') as HttpModule | undefined;
  const tls = builtin('node:tls') as TlsModule | undefined;
  if (http === undefined || https === undefined || tls === undefined) {
    return Promise.reject(new Error('No node:http here to reach the proxy.'));
  }
  const target = new URL(url);
  const proxy = new URL(proxyUrl);
  const proxyModule = proxy.protocol === 'https:' ? https : http;
  const viaProxy = {
    protocol: proxy.protocol,
    hostname: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
  };
  const targetPort = target.port || (target.protocol === 'https:' ? '443' : '80');
  const headers = { ...request.headers, 'Content-Length': String(utf8Length(request.body)) };

  return new Promise<ProxiedResponse>((resolve, reject) => {
    let active: ClientRequest | undefined;
    const abort = () => {
      active?.destroy(new Error('aborted'));
      reject(new Error('aborted'));
    };
    if (request.signal.aborted) {
      abort();
      return;
    }
    request.signal.addEventListener('abort', abort, { once: true });
    const finish = (promise: Promise<ProxiedResponse>) => {
      promise.then(resolve, reject).finally(() => {
        request.signal.removeEventListener('abort', abort);
      });
    };
    const fail = (error: Error) => {
      request.signal.removeEventListener('abort', abort);
      reject(error);
    };

    if (target.protocol !== 'https:') {
      // Forwarding: the request line carries the absolute URL (plain http only).
      active = proxyModule.request({
        ...viaProxy,
        method: request.method,
        path: target.href,
        headers: { ...headers, Host: target.host, ...proxyAuthorization(proxy) },
      });
      active.on('response', (response) => {
        finish(toResponse(response));
      });
      active.on('error', fail);
      active.end(request.body);
      return;
    }

    // CONNECT tunnel, then TLS with Cognito inside it: the proxy sees only the host name.
    const connect = proxyModule.request({
      ...viaProxy,
      method: 'CONNECT',
      path: `${target.hostname}:${targetPort}`,
      headers: { Host: `${target.hostname}:${targetPort}`, ...proxyAuthorization(proxy) },
    });
    active = connect;
    connect.on('error', fail);
    connect.on('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        (socket as { destroy(): void }).destroy();
        fail(new Error(`The proxy refused the tunnel (HTTP ${String(response.statusCode)}).`));
        return;
      }
      const secure = tls.connect({ socket, servername: target.hostname }) as {
        on(event: 'error', listener: (error: Error) => void): void;
      };
      secure.on('error', fail);
      active = https.request({
        hostname: target.hostname,
        port: targetPort,
        method: request.method,
        path: `${target.pathname}${target.search}`,
        headers: { ...headers, Host: target.host },
        agent: false,
        createConnection: () => secure,
      });
      active.on('response', (answer) => {
        finish(toResponse(answer));
      });
      active.on('error', fail);
      active.end(request.body);
    });
    connect.end();
  });
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;
