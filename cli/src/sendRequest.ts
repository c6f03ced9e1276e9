import type { ClientRequest, IncomingMessage } from 'node:http';

import axios, { AxiosHeaders, getAdapter, isAxiosError } from 'axios';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { attachApigSigner } from 'apig-signer';
import type { Credentials, SigningDebugInfo } from 'apig-signer';

import { CliError, EXIT } from './exitCodes';

/** A request ready to sign: the final URL, method, headers and body bytes. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  /** Header lines; `false` keeps axios from adding a header of its own. */
  headers: Array<[string, string | false]>;
  body: Buffer | undefined;
}

/** A request line and headers as they left for the server. */
export interface SentRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
}

/** The answer, headers in the order and case they came in, body untouched. */
export interface Answer {
  httpVersion: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface SendOptions {
  credentials: Credentials;
  region: string | undefined;
  service: string | undefined;
  signal: AbortSignal | undefined;
  /** The library's debug hook: canonical request and string to sign. */
  onSigned?: ((info: SigningDebugInfo) => void) | undefined;
  /** Called with the request as it was sent, once it was (whether or not an answer came). */
  onSend?: ((request: SentRequest) => void) | undefined;
}

/** Network failures as curl numbers them. */
const NETWORK_EXIT_CODES: Readonly<Record<string, number>> = {
  ENOTFOUND: EXIT.RESOLVE,
  EAI_AGAIN: EXIT.RESOLVE,
  ECONNREFUSED: EXIT.CONNECT,
  EHOSTUNREACH: EXIT.CONNECT,
  ENETUNREACH: EXIT.CONNECT,
  ECONNRESET: EXIT.CONNECTION,
  EPIPE: EXIT.CONNECTION,
  ERR_CANCELED: EXIT.TIMEOUT,
  ETIMEDOUT: EXIT.TIMEOUT,
  ECONNABORTED: EXIT.TIMEOUT,
};

function headerLines(headers: AxiosHeaders): Array<[string, string]> {
  return Object.entries(headers.toJSON()).map(([name, value]): [string, string] => [
    name,
    Array.isArray(value) ? value.join(', ') : String(value),
  ]);
}

/** Notes the request the adapter is given, then hands it to axios's own HTTP adapter. */
function observingAdapter(seen: { request?: SentRequest }): AxiosAdapter {
  const http = getAdapter('http');
  return (config: InternalAxiosRequestConfig) => {
    const url = new URL(config.url ?? '');
    seen.request = {
      method: (config.method ?? 'get').toUpperCase(),
      target: `${url.pathname}${url.search}`,
      headers: headerLines(AxiosHeaders.from(config.headers)),
    };
    return http(config);
  };
}

/**
 * The request head exactly as Node wrote it to the socket (Host, Content-Length and Connection
 * included), from the ClientRequest axios hands back; `undefined` when there is none.
 */
function wireRequest(clientRequest: unknown): SentRequest | undefined {
  const head = (clientRequest as { _header?: unknown } | undefined)?._header;
  if (typeof head !== 'string') return undefined;
  const [requestLine = '', ...lines] = head.split('\r\n').filter((line) => line !== '');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return { method, target, headers };
}

/** The answer in an axios response, whether axios resolved with it or threw it (HTTP 400+). */
function answerOf(response: AxiosResponse<unknown>): Answer {
  const { status, statusText, data } = response;
  const request: unknown = response.request;
  const headers = AxiosHeaders.from(response.headers as Record<string, string>);
  // axios's Node adapter hands back the ClientRequest; its `res` keeps the raw header lines.
  const res = (request as (ClientRequest & { res?: IncomingMessage }) | undefined)?.res;
  const raw = res?.rawHeaders;
  const lines: Array<[string, string]> = [];
  if (raw !== undefined) {
    for (let i = 0; i + 1 < raw.length; i += 2)
      lines.push([raw[i] as string, raw[i + 1] as string]);
  } else {
    lines.push(...headerLines(headers));
  }
  return {
    httpVersion: res?.httpVersion ?? '1.1',
    status,
    statusText,
    headers: lines,
    body: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer),
  };
}

/**
 * Signs the request with apig-signer's axios interceptor and sends it exactly as signed, without
 * following redirects (as curl) or decoding the body. Any HTTP status is an answer.
 *
 * @throws {@link CliError} with curl's exit code for network failures; the library's own errors
 * (`ConfigurationError`, `SigningError`) as they are.
 */
export async function sendRequest(request: OutgoingRequest, options: SendOptions): Promise<Answer> {
  const seen: { request?: SentRequest } = {};
  const api = axios.create({ adapter: observingAdapter(seen) });
  // With the library's recovery: a request refused for the device clock (or credentials that
  // expired meanwhile) is signed again and re-sent once, as an app using attachApigSigner would.
  attachApigSigner(api, {
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    // The user named this host on the command line: sign for it, whatever its name.
    hosts: [request.url.hostname],
    debug: (event) => {
      if (event.event === 'signed') options.onSigned?.(event);
    },
  });
  const headers = new AxiosHeaders();
  for (const [name, value] of request.headers) {
    const existing = headers.get(name);
    if (typeof existing === 'string' && value !== false) headers.set(name, [existing, value]);
    else headers.set(name, value);
  }
  let clientRequest: unknown;
  try {
    const response = await api.request<Buffer>({
      url: request.url.href,
      method: request.method,
      headers,
      data: request.body,
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      decompress: false,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    clientRequest = response.request;
    return answerOf(response);
  } catch (error) {
    if (!isAxiosError(error)) throw error;
    clientRequest = error.request;
    // HTTP 400 and above reach here (so that the library's recovery sees them): an answer all
    // the same.
    if (error.response !== undefined) return answerOf(error.response);
    const code = error.code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code ?? '';
    const exitCode = NETWORK_EXIT_CODES[code];
    if (exitCode === EXIT.TIMEOUT) {
      throw new CliError(EXIT.TIMEOUT, `no answer from ${request.url.host} within --max-time`);
    }
    throw new CliError(
      exitCode ?? EXIT.FAILURE,
      `${request.method} ${request.url.host} failed: ${code === '' ? error.message : `${code} (${error.message})`}`,
      { cause: error },
    );
  } finally {
    const sent = wireRequest(clientRequest) ?? seen.request;
    if (sent !== undefined) options.onSend?.(sent);
  }
}
