import { Readable } from 'node:stream';

import axios, { AxiosHeaders, isAxiosError } from 'axios';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { attachApigSigner } from 'apig-signer';
import type { Credentials, SigningDebugInfo } from 'apig-signer';

import { send } from './transport';
import type {
  BodyStream,
  SentRequest,
  StreamedAnswer,
  TransportOptions,
  WireRequest,
} from './transport';
import type { Upload } from './upload';

/** A request ready to sign: the final URL, method, header lines as given, body. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Array<[string, string]>;
  /** Bytes, or an upload from files that is streamed (hashed beforehand). */
  body: Buffer | Upload | undefined;
}

/** The body as the transport sends it: an upload is read afresh for each request. */
export function wireBody(body: OutgoingRequest['body']): Buffer | BodyStream | undefined {
  if (body === undefined || Buffer.isBuffer(body)) return body;
  return { stream: body.open(), length: body.length };
}

/**
 * The answer. Below HTTP 400 the body streams as it arrives; from 400 on it is read whole first
 * (`buffered`), since the library's recovery and the refusal explanations read it.
 */
export interface Answer extends Omit<StreamedAnswer, 'body'> {
  body: Readable;
  buffered: Buffer | undefined;
}

export interface SendOptions extends TransportOptions {
  credentials: Credentials;
  region: string | undefined;
  service: string | undefined;
  /** The library's debug hook: canonical request and string to sign. */
  onSigned?: ((info: SigningDebugInfo) => void) | undefined;
}

export type { SentRequest };

async function readWhole(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * axios's adapter, replaced by {@link send}: the signed request goes out with the user's header
 * lines exactly as given (a name given twice goes as two lines; it was signed as their values
 * joined with `,`, which is how the server reads them back), and the signer's headers after them.
 */
function transportAdapter(request: OutgoingRequest, options: SendOptions): AxiosAdapter {
  return async (config: InternalAxiosRequestConfig) => {
    const given = new Set(request.headers.map(([name]) => name.toLowerCase()));
    const headers: Array<[string, string]> = [...request.headers];
    for (const [name, value] of Object.entries(AxiosHeaders.from(config.headers).toJSON())) {
      if (given.has(name.toLowerCase()) || value === undefined || value === null) continue;
      headers.push([name, Array.isArray(value) ? value.join(',') : String(value)]);
    }
    const wire: WireRequest = {
      method: (config.method ?? 'get').toUpperCase(),
      url: new URL(config.url ?? ''),
      headers,
      // The bytes the library signed (or the stream it signed with the upload's hash): axios
      // hands the adapter the data it was given.
      body: Buffer.isBuffer(config.data)
        ? config.data
        : config.data instanceof Readable && request.body !== undefined
          ? { stream: config.data, length: request.body.length }
          : undefined,
    };
    const answer = await send(wire, options);
    const buffered = answer.status >= 400 ? await readWhole(answer.body) : undefined;
    const response: AxiosResponse = {
      status: answer.status,
      statusText: answer.statusText,
      headers: Object.fromEntries(
        answer.headers.map(([name, value]) => [name.toLowerCase(), value]),
      ),
      config,
      request: answer,
      // A streaming body stays out of axios's hands (and its interceptors'): read once, by the
      // command, as it writes it out.
      data: buffered,
    };
    const { validateStatus } = config;
    if (validateStatus && !validateStatus(answer.status)) {
      // As axios's own adapters do (its `settle`): a status `validateStatus` refuses rejects. The
      // library's dispatch asks for every answer (`validateStatus: null`), so that its recovery
      // reads the raw answer, and judges the final one with the caller's own `validateStatus`.
      throw new axios.AxiosError(
        `Request failed with status code ${answer.status}`,
        axios.AxiosError.ERR_BAD_RESPONSE,
        config,
        answer,
        response,
      );
    }
    return response;
  };
}

function answerOf(response: AxiosResponse<unknown>): Answer {
  const streamed = response.request as StreamedAnswer;
  const buffered = Buffer.isBuffer(response.data) ? response.data : undefined;
  return {
    httpVersion: streamed.httpVersion,
    status: streamed.status,
    statusText: streamed.statusText,
    headers: streamed.headers,
    body: buffered === undefined ? streamed.body : Readable.from([buffered]),
    buffered,
  };
}

/**
 * Signs the request with apig-signer's axios interceptor (and its recovery: a refusal for the
 * device clock is signed again and re-sent once) and sends it through {@link send}, without
 * following redirects or decoding the body. Any HTTP status is an answer.
 *
 * @throws {@link CliError} with curl's exit code for network failures; the library's own errors
 * (`ConfigurationError`, `SigningError`) as they are.
 */
export async function sendRequest(request: OutgoingRequest, options: SendOptions): Promise<Answer> {
  const api = axios.create({ adapter: transportAdapter(request, options) });
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
    // Signed as the server reads repeated lines back: values joined with `,`.
    headers.set(name, typeof existing === 'string' ? `${existing},${value}` : value);
  }
  // axios gives every POST, PUT and PATCH a form Content-Type; without a body, or with -T,
  // curl sends none.
  if (!headers.has('content-type')) headers.set('Content-Type', false);
  const { body } = request;
  const upload = body === undefined || Buffer.isBuffer(body) ? undefined : body;
  const attempt = () =>
    api.request({
      url: request.url.href,
      method: request.method,
      headers,
      // An upload streams from its files, signed with the hash of a first pass over them.
      data: upload === undefined ? body : upload.open(),
      ...(upload === undefined ? {} : { apigSigner: { payloadHash: upload.sha256 } }),
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
    });
  try {
    let response: AxiosResponse;
    try {
      response = await attempt();
    } catch (error) {
      // AWS refused the signature for the device clock or expired credentials: the library
      // learnt the server's time (or dropped those credentials) but re-sends no stream. The
      // upload's files can be read again: sent once more, signed afresh, as any other body.
      if (upload === undefined || !isAxiosError(error) || error.code !== 'ERR_BODY_NOT_REPLAYABLE')
        throw error;
      response = await attempt();
    }
    return answerOf(response);
  } catch (error) {
    if (isAxiosError(error) && error.response !== undefined) return answerOf(error.response);
    if (isAxiosError(error) && error.cause !== undefined) throw error.cause;
    throw error;
  }
}
