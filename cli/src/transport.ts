import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

import { CliError, EXIT } from './exitCodes';
import type { Proxy } from './proxyFor';

/** A body read as it is sent, of a length known beforehand (an upload from files). */
export interface BodyStream {
  stream: Readable;
  length: number;
}

/** A request as it goes on the wire: every header line as given, in order. */
export interface WireRequest {
  method: string;
  url: URL;
  headers: Array<[string, string]>;
  body: Buffer | BodyStream | undefined;
}

/** A request line and headers as they left for the server. */
export interface SentRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
}

/** An answer's head, and its body still to be read (a stream: nothing is held in memory). */
export interface StreamedAnswer {
  httpVersion: string;
  status: number;
  statusText: string;
  /** In the order and case they came in. */
  headers: Array<[string, string]>;
  body: IncomingMessage;
}

/** How to reach the server: curl's `-x`, `-k`, `--cacert`, `--connect-timeout`, `--max-time`. */
export interface TransportOptions {
  proxy: Proxy | undefined;
  /** `-k`: accept any certificate. */
  insecure: boolean;
  /** `--cacert`: the certificates to trust instead of Node's bundle. */
  ca: Buffer | undefined;
  connectTimeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  /** Called with the request as it was sent, once it was (whether or not an answer came). */
  onSend?: ((request: SentRequest) => void) | undefined;
}

/** The codes Node and OpenSSL give a certificate that could not be verified: curl's 60. */
export const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A URL's host name as sockets take it: an IPv6 address without its brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Marks a failure as the proxy's, so the message and code say so. */
class ProxyFailure extends Error {
  override name = 'ProxyFailure' as const;
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Whether a failure is the proxy's. By name, not class: a failure that reaches the caller
 * through the AWS SDK's clients is told apart by its name.
 */
export function isProxyFailure(error: unknown): error is ProxyFailure {
  return error instanceof Error && error.name === 'ProxyFailure';
}

/**
 * The exit code for a proxy's failure, from its code: 5 when the proxy's name does not resolve,
 * 7 when it cannot be connected to, 56 when it refused or broke the connection.
 */
export function proxyFailureExit(code: unknown): number {
  if (code === 'ERR_PROXY_RESOLVE') return EXIT.RESOLVE_PROXY;
  if (code === 'ERR_PROXY_CONNECT') return EXIT.CONNECT;
  return EXIT.CONNECTION;
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
}

/** Host names go to TLS SNI; IP addresses may not (RFC 6066 §3). */
function serverName(hostname: string): string | undefined {
  return /^[\d.]+$/.test(hostname) || hostname.startsWith('[') ? undefined : hostname;
}

function basicAuth(url: URL): Record<string, string> {
  if (url.username === '') return {};
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { 'Proxy-Authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** A CONNECT tunnel through the proxy to host:port (RFC 9110 §9.3.6); also for the AWS SDK's calls. */
export function tunnel(
  proxy: Proxy,
  target: URL,
  done: (error: Error | null, socket?: Socket) => void,
) {
  const authority = `${target.hostname}:${portOf(target)}`;
  const connect = httpRequest({
    host: bareHost(proxy.url),
    port: portOf(proxy.url),
    method: 'CONNECT',
    path: authority,
    headers: { Host: authority, ...basicAuth(proxy.url) },
    agent: false,
  });
  connect.once('connect', (answer, socket) => {
    if (answer.statusCode !== 200) {
      socket.destroy();
      done(
        new ProxyFailure(
          `the proxy (${proxy.source}) refused the CONNECT tunnel to ${authority}: HTTP ${answer.statusCode ?? '?'}`,
          'ERR_PROXY_REFUSED',
        ),
      );
      return;
    }
    done(null, socket);
  });
  connect.once('error', (error: NodeJS.ErrnoException) => {
    done(
      new ProxyFailure(
        `cannot reach the proxy ${proxy.url.host} (${proxy.source}): ${error.code ?? error.message}`,
        error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
          ? 'ERR_PROXY_RESOLVE'
          : 'ERR_PROXY_CONNECT',
      ),
    );
  });
  connect.end();
}

/**
 * Opens the connection for one request: direct, or through the proxy (a CONNECT tunnel for
 * https://, the proxy itself for http://), TLS on top for https://, within --connect-timeout.
 */
function connectionFor(url: URL, options: TransportOptions) {
  const secure = url.protocol === 'https:';
  return (_: unknown, done: (error: Error | null, socket?: Socket) => void): undefined => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let socket: Socket | undefined;
    const finish = (error: Error | null, ready?: Socket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(error, ready);
    };
    if (options.connectTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        socket?.destroy();
        const error = new Error(`no connection within --connect-timeout`) as NodeJS.ErrnoException;
        error.code = 'ERR_CONNECT_TIMEOUT';
        finish(error);
      }, options.connectTimeoutMs);
    }
    const overTls = (raw: Socket | undefined) => {
      const name = serverName(url.hostname);
      const tls = tlsConnect({
        // `host` also names the server whose certificate is checked, through a tunnel too.
        host: bareHost(url),
        ...(raw === undefined ? { port: portOf(url) } : { socket: raw }),
        ...(name === undefined ? {} : { servername: name }),
        rejectUnauthorized: !options.insecure,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ALPNProtocols: ['http/1.1'],
      });
      socket = tls;
      tls.once('secureConnect', () => {
        finish(null, tls);
      });
      tls.once('error', (error: Error) => {
        finish(error);
      });
    };
    if (options.proxy !== undefined && secure) {
      tunnel(options.proxy, url, (error, raw) => {
        if (error !== null) finish(error);
        else overTls(raw);
      });
    } else if (secure) {
      overTls(undefined);
    } else {
      const target = options.proxy?.url ?? url;
      const plain = netConnect({
        host: bareHost(target),
        port: portOf(target),
      });
      socket = plain;
      plain.once('connect', () => {
        finish(null, plain);
      });
      plain.once('error', (error: NodeJS.ErrnoException) => {
        if (options.proxy === undefined) finish(error);
        else {
          finish(
            new ProxyFailure(
              `cannot reach the proxy ${options.proxy.url.host} (${options.proxy.source}): ${error.code ?? error.message}`,
              error.code === 'ENOTFOUND' ? 'ERR_PROXY_RESOLVE' : 'ERR_PROXY_CONNECT',
            ),
          );
        }
      });
    }
    return undefined;
  };
}

/**
 * The request head exactly as Node wrote it to the socket (Host, Content-Length and Connection
 * included); `undefined` before it was written.
 */
function wireHead(request: ClientRequest): SentRequest | undefined {
  const head = (request as unknown as { _header?: unknown })._header;
  if (typeof head !== 'string') return undefined;
  const [requestLine = '', ...lines] = head.split('\r\n').filter((line) => line !== '');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return { method, target, headers };
}

/** One header name given several times goes out as several lines, in the order given. */
function groupedHeaders(headers: ReadonlyArray<[string, string]>): Map<string, [string, string[]]> {
  const grouped = new Map<string, [string, string[]]>();
  for (const [name, value] of headers) {
    const existing = grouped.get(name.toLowerCase());
    if (existing === undefined) grouped.set(name.toLowerCase(), [name, [value]]);
    else existing[1].push(value);
  }
  return grouped;
}

/**
 * A failure before the answer's head, as curl numbers it: 5 and 6 (name resolution), 7
 * (connect), 28 (timeouts), 35 (TLS handshake), 56 (connection broken, proxy refusal), 60
 * (certificate not trusted).
 */
export function networkFailure(error: unknown, url: URL): CliError {
  if (error instanceof CliError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  const host = url.host;
  if (error instanceof ProxyFailure) {
    return new CliError(proxyFailureExit(code), detail, { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(EXIT.RESOLVE, `cannot resolve ${url.hostname} (${code})`, { cause: error });
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new CliError(EXIT.CONNECT, `cannot connect to ${host} (${code})`, { cause: error });
  }
  if (code === 'ERR_CONNECT_TIMEOUT') {
    return new CliError(EXIT.TIMEOUT, `no connection to ${host} within --connect-timeout`, {
      cause: error,
    });
  }
  if (code === 'ABORT_ERR' || code === 'ETIMEDOUT') {
    return new CliError(EXIT.TIMEOUT, `no answer from ${host} within --max-time`, {
      cause: error,
    });
  }
  if (CERTIFICATE_CODES.has(code)) {
    return new CliError(
      EXIT.PEER_CERTIFICATE,
      `the certificate of ${host} is not trusted (${code}): give its CA with --cacert, or -k to skip the check (insecure)`,
      { cause: error },
    );
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return new CliError(EXIT.TLS_CONNECT, `the TLS handshake with ${host} failed (${code})`, {
      cause: error,
    });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new CliError(EXIT.CONNECTION, `the connection to ${host} broke (${code})`, {
      cause: error,
    });
  }
  return new CliError(
    EXIT.FAILURE,
    `${host}: ${code === '' ? detail.split('\n')[0] : `${code} (${detail.split('\n')[0]})`}`,
    { cause: error },
  );
}

/**
 * Sends one request exactly as given (header lines in order, repeated names as repeated lines,
 * no Content-Length or Transfer-Encoding on a request without a body) and resolves with the
 * answer's head as soon as it arrives; the body is left to stream.
 *
 * @throws {@link CliError} with curl's exit code when no answer head arrives.
 */
export function send(request: WireRequest, options: TransportOptions): Promise<StreamedAnswer> {
  const { url } = request;
  const httpProxy = url.protocol === 'http:' ? options.proxy : undefined;
  const viaProxy = httpProxy !== undefined;
  return new Promise((resolve, reject) => {
    const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)({
      method: request.method,
      host: bareHost(url),
      port: portOf(url),
      // Through an http:// proxy, the request line names the whole URL (RFC 9112 §3.2.2).
      path: viaProxy ? url.href.replace(/#.*$/, '') : `${url.pathname}${url.search}`,
      createConnection: connectionFor(url, options) as never,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (httpProxy !== undefined) {
      for (const [name, value] of Object.entries(basicAuth(httpProxy.url))) {
        outgoing.setHeader(name, value);
      }
    }
    for (const [name, values] of groupedHeaders(request.headers).values()) {
      outgoing.setHeader(name, values.length === 1 ? (values[0] as string) : values);
    }
    // Without a body, Node would add `Content-Length: 0` (or chunked) to a POST: curl sends
    // neither, and neither does this.
    if (request.body === undefined) outgoing.useChunkedEncodingByDefault = false;
    let told = false;
    const tell = () => {
      if (told) return;
      const sent = wireHead(outgoing);
      if (sent === undefined) return;
      told = true;
      options.onSend?.(sent);
    };
    outgoing.once('response', (answer: IncomingMessage) => {
      tell();
      const headers: Array<[string, string]> = [];
      const raw = answer.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        headers.push([raw[i] as string, raw[i + 1] as string]);
      }
      resolve({
        httpVersion: answer.httpVersion,
        status: answer.statusCode ?? 0,
        statusText: answer.statusMessage ?? '',
        headers,
        body: answer,
      });
    });
    outgoing.once('error', (error) => {
      tell();
      reject(networkFailure(error, url));
    });
    const { body } = request;
    if (body === undefined || Buffer.isBuffer(body)) {
      outgoing.end(body);
      return;
    }
    // A length known beforehand goes as Content-Length, unless the user's -H chose a framing.
    if (!outgoing.hasHeader('content-length') && !outgoing.hasHeader('transfer-encoding')) {
      outgoing.setHeader('Content-Length', body.length);
    }
    // A body that fails (a file that changed: exit 26) ends the request unfinished; the failure
    // reaches the caller through the request's 'error' above.
    body.stream.once('error', (error) => outgoing.destroy(error));
    body.stream.pipe(outgoing);
  });
}
