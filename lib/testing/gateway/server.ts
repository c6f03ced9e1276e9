import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { assertKnownKeys } from '../../options/knownKeys';
import { listenOnLoopback } from '../loopback';
import { corsHeaders, corsPolicyOf, isPreflight, preflightHeaders } from './cors';
import type { CorsPolicy } from './cors';
import { DEFAULT_GATEWAY_CREDENTIALS } from './credentials';
import type { GatewayCredentials } from './credentials';
import { percentDecodeBytes } from './canonical';
import { rawRequestOf } from './rawRequest';
import type { RawRequest } from './rawRequest';
import { record, recordLimitOf } from './requestLog';
import type { GatewayVerdict } from './verdict';
import { judge } from './verify';
import type { VerifyPolicy } from './verify';

/** Every key of {@link SigV4GatewayOptions}: the type makes sure none is missing. */
const GATEWAY_OPTIONS: Record<keyof SigV4GatewayOptions, 0> = {
  port: 0,
  region: 0,
  service: 0,
  credentials: 0,
  clockOffsetMs: 0,
  now: 0,
  maxSkewMs: 0,
  normalizePath: 0,
  requireSignedSessionToken: 0,
  cors: 0,
  maxRecordedRequests: 0,
  handler: 0,
};

/** Options of {@link startSigV4Gateway}. */
export interface SigV4GatewayOptions {
  /**
   * The port to listen on, on 127.0.0.1.
   * @defaultValue `0` (a free port)
   */
  port?: number | undefined;
  /**
   * The region requests must be signed for.
   * @defaultValue `'us-east-1'`
   */
  region?: string | undefined;
  /**
   * The service requests must be signed for.
   * @defaultValue `'execute-api'`
   */
  service?: string | undefined;
  /**
   * The keys the gateway accepts.
   * @defaultValue one key pair, {@link DEFAULT_GATEWAY_CREDENTIALS}
   */
  credentials?: ReadonlyArray<GatewayCredentials> | undefined;
  /**
   * How far the gateway's clock is ahead of the real one, in milliseconds (negative: behind).
   * @defaultValue `0`
   */
  clockOffsetMs?: number | undefined;
  /**
   * The gateway's clock; `clockOffsetMs` is added to it.
   * @defaultValue `() => new Date()`
   */
  now?: (() => Date) | undefined;
  /**
   * How far a request's `X-Amz-Date` may be from the gateway's clock before it is refused
   * (`Signature expired` / `Signature not yet current`), in milliseconds, in header and query
   * auth alike (query auth also ends at a shorter `X-Amz-Expires`).
   * @defaultValue `300000` (5 minutes, as AWS)
   */
  maxSkewMs?: number | undefined;
  /**
   * Normalise the path (dot and empty segments) before computing the canonical URI, as every
   * AWS service but S3 does.
   * @defaultValue `true`
   */
  normalizePath?: boolean | undefined;
  /**
   * Require the session token to be covered by the signature (a signed header or query
   * parameter). Some AWS services also accept a token added after signing.
   * @defaultValue `true`
   */
  requireSignedSessionToken?: boolean | undefined;
  /**
   * Answer CORS preflights and add CORS headers to responses, like API Gateway's "Enable CORS":
   * `true` for its defaults, or the origin and headers to allow.
   * @defaultValue `false`
   */
  cors?:
    | boolean
    | {
        /** `Access-Control-Allow-Origin`; default `*`. */
        allowOrigin?: string;
        /** `Access-Control-Allow-Headers`; default {@link API_GATEWAY_CORS_HEADERS}. */
        allowHeaders?: ReadonlyArray<string>;
        /**
         * `Access-Control-Expose-Headers` on every answer; default none, as API Gateway. Expose
         * `x-amzn-ErrorType` (and `Date`) for apig-signer's recovery to work in a browser.
         */
        exposeHeaders?: ReadonlyArray<string>;
      }
    | undefined;
  /**
   * How many requests `requests` keeps: the last ones, oldest dropped first, so a long test
   * run does not grow without bound. `Infinity` keeps them all; `0` none.
   * @defaultValue `1000`
   */
  maxRecordedRequests?: number | undefined;
  /**
   * Answers accepted requests. Without it, the gateway answers 200 with a JSON echo of what it
   * received ({@link GatewayEcho}).
   */
  handler?: ((request: ReceivedRequest) => GatewayResponse | undefined) | undefined;
}

/** A response for an accepted request. */
export interface GatewayResponse {
  /** The status; default 200. */
  status?: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** The response body. */
  body?: string | Uint8Array;
}

/** A request as the gateway received it. */
export interface ReceivedRequest {
  /** The method as received. */
  method: string;
  /** The request target exactly as received (path and query). */
  target: string;
  /** The path as received, still percent-encoded. */
  rawPath: string;
  /** The query as received, without `?`. */
  rawQuery: string;
  /** The path, percent-decoded as UTF-8. */
  path: string;
  /** Query pairs, percent-decoded as UTF-8 (RFC 3986: a `+` stays a `+`). */
  query: Array<[string, string]>;
  /** Header lines as received, in order, names as sent. */
  headers: Array<[string, string]>;
  /** The body bytes. */
  body: Buffer;
  /** How the gateway judged the request's signature. */
  verdict: GatewayVerdict;
}

/** The JSON body the gateway answers an accepted request with when there is no `handler`. */
export interface GatewayEcho {
  /** The method as received. */
  method: string;
  /** The path, percent-decoded. */
  path: string;
  /** The path as received. */
  rawPath: string;
  /** The query as received, without `?`. */
  rawQuery: string;
  /** Query pairs, percent-decoded. */
  query: Array<[string, string]>;
  /** Header lines as received. */
  headers: Array<[string, string]>;
  /** The body, base64. */
  body: string;
  /** The access key id that signed the request. */
  accessKeyId: string;
}

/** A running gateway. */
export interface SigV4Gateway {
  /** `http://127.0.0.1:{port}` */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /**
   * The requests received, oldest first (preflights included): the last
   * `maxRecordedRequests` of them (1,000 by default).
   */
  readonly requests: ReceivedRequest[];
  /** The clock offset in milliseconds; set it to act out a wrong device clock. */
  clockOffsetMs: number;
  /** Adds a key pair the gateway accepts. */
  addCredentials(credentials: GatewayCredentials): void;
  /** Makes the gateway forget a key (requests with it get `UnrecognizedClientException`). */
  removeCredentials(accessKeyId: string): void;
  /** Drops the connection of the next `count` requests without answering (a network fault). */
  dropNext(count?: number): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a stand-in for API Gateway with IAM auth on 127.0.0.1: it verifies AWS Signature
 * Version 4 from the raw request as received (request target, header lines, body bytes) and
 * answers like AWS: 403 with `x-amzn-ErrorType` and, on a signature mismatch, the canonical
 * request and string-to-sign it expected. It records the last requests for assertions. A `HEAD`
 * request gets what `GET` would get without the body, as API Gateway answers `HEAD`: a refusal
 * keeps its status, `x-amzn-ErrorType` and `Date`.
 *
 * Its canonicalisation is written from the AWS specification and shares no code with
 * apig-signer's signer, so tests against it are an independent check of any signer. The check
 * itself is {@link verifySigV4}, usable without a server.
 *
 * What it refuses, as API Gateway does: a changed method, path, query pair, signed header,
 * body, date, session token, credential scope or signature; any query parameter added after
 * signing (in header auth `X-Amz-Signature` included); a `SignedHeaders` without `host`, or
 * without `x-amz-date` in header auth; a date more than 5 minutes off; an unknown key; a wrong,
 * missing, expired or (by default) unsigned session token. What it accepts, as the
 * specification allows: another query order, dot and empty path segments, header names in any
 * case, spaces and tabs around and inside header values, and headers that were not signed.
 *
 * Deliberate differences from API Gateway:
 *
 * - It has no resources, stages, methods or integrations: every path is a route, and an
 *   accepted request is answered with a JSON echo ({@link GatewayEcho}) or by `handler`. An
 *   unsigned request gets `Missing Authentication Token` on every path, as API Gateway answers
 *   on paths it does not know.
 * - Every known key may call everything: no IAM policy is evaluated, so there is no
 *   `AccessDeniedException`.
 * - The signing time is read from `X-Amz-Date` only; AWS also accepts a `Date` header when
 *   there is no `X-Amz-Date`. Every AWS signer sends `X-Amz-Date`.
 * - An `x-amz-content-sha256` header, signed or not, must match the SHA-256 of the body, unless
 *   it is a signed `UNSIGNED-PAYLOAD` (S3's rules; what API Gateway does with the header is not
 *   documented).
 * - By default a session token must be covered by the signature, as every AWS signer covers
 *   it; whether API Gateway insists is not documented. `requireSignedSessionToken: false`
 *   accepts a token added after signing, as some AWS services do. A token in the query is read
 *   in header auth too (it is then signed with the query).
 * - Headers that were not signed are accepted, `x-amz-*` ones included: S3 refuses unsigned
 *   `x-amz-*` headers, API Gateway is not documented to.
 * - `SignedHeaders` must also be free of repeats, and a signed header that was not received is
 *   named in the refusal.
 * - Messages follow AWS's wording where it is known. The gateway's own are those for
 *   `'X-Amz-Date' must be a 'SignedHeader'`, a repeated or unsorted `SignedHeaders`, a signed
 *   header not received, an unsigned session token and the `X-Amz-Expires` bounds; they carry
 *   the `x-amzn-ErrorType` AWS uses for the same fault.
 * - Requests that are not valid HTTP/1.1 (raw spaces or non-ASCII bytes in the target,
 *   obsolete line folding) are refused by Node's HTTP parser with 400 before any verdict and
 *   are not recorded.
 * - Query auth accepts `X-Amz-Expires` from 1 second to 7 days, as S3 does. A query-signed
 *   request outside its window gets API Gateway's answer: 403 `InvalidSignatureException`
 *   "Signature expired: … (… - 5 min.)" or "Signature not yet current: … (… + 5 min.)", the
 *   same 5 minutes either side of `X-Amz-Date` as header auth. Stricter than API Gateway (which
 *   was seen to ignore `X-Amz-Expires`), a shorter `X-Amz-Expires` also ends the window, with
 *   the same answer naming that lifetime ("… - 1 min.)", "… - 90 sec.)").
 *
 * @param options - region, service, keys, clock, CORS, how many requests to keep and a
 *   response handler.
 * @returns the running gateway; `close()` it when done.
 * @throws a `ConfigurationError` with code `ERR_CONFIGURATION` when `maxRecordedRequests` is
 *   not a whole number from 0 up (or `Infinity`); the listen error if the port cannot be
 *   listened on. (Branch on `code`: this entry point stands alone, with its own copy of the
 *   error classes.)
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { apigSigner, fromStatic } from 'apig-signer';
 * import { startSigV4Gateway } from 'apig-signer/testing';
 *
 * const gateway = await startSigV4Gateway({
 *   credentials: [{ accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }],
 * });
 * const api = axios.create({ baseURL: gateway.url });
 * api.interceptors.request.use(
 *   apigSigner({
 *     credentials: fromStatic({ accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }),
 *     region: 'us-east-1',
 *     hosts: ['127.0.0.1'],
 *   }),
 * );
 * const { data } = await api.post('/notes', { content: 'héllo' });
 * console.log(gateway.requests[0]?.verdict.accepted); // true
 * await gateway.close();
 * ```
 */
export async function startSigV4Gateway(options: SigV4GatewayOptions = {}): Promise<SigV4Gateway> {
  assertKnownKeys(options, Object.keys(GATEWAY_OPTIONS), 'startSigV4Gateway(options)');
  const maxRecordedRequests = recordLimitOf(options.maxRecordedRequests);
  const cors = corsPolicyOf(options.cors);
  const keys = new Map<string, GatewayCredentials>();
  for (const credentials of options.credentials ?? [DEFAULT_GATEWAY_CREDENTIALS]) {
    keys.set(credentials.accessKeyId, { ...credentials });
  }
  const clock = options.now ?? (() => new Date());
  const state = { clockOffsetMs: options.clockOffsetMs ?? 0, toDrop: 0 };
  const now = () => new Date(clock().getTime() + state.clockOffsetMs);
  const requests: ReceivedRequest[] = [];
  const policyAt = (at: Date): VerifyPolicy => ({
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'execute-api',
    now: at,
    maxSkewMs: options.maxSkewMs ?? 300_000,
    normalizePath: options.normalizePath ?? true,
    requireSignedSessionToken: options.requireSignedSessionToken ?? true,
    keyFor: (accessKeyId) => keys.get(accessKeyId),
  });

  function answer(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const target = req.url ?? '/';
    const raw = rawRequestOf(req.method ?? 'GET', target, headerLinesOf(req), body);
    if (isPreflight(cors, raw.method, raw.headers)) {
      record(
        requests,
        receivedOf(raw, target, { accepted: true, status: 204 }),
        maxRecordedRequests,
      );
      res.writeHead(204, preflightHeaders(cors));
      res.end();
      return;
    }
    const serverNow = now();
    const request = receivedOf(raw, target, judge(raw, policyAt(serverNow)));
    record(requests, request, maxRecordedRequests);
    if (request.verdict.accepted) sendAccepted(res, request, options.handler, cors, serverNow);
    else sendRefusal(res, request.verdict, cors, serverNow);
  }

  const server: Server = createServer((req, res) => {
    if (state.toDrop > 0) {
      state.toDrop -= 1;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        answer(req, res, Buffer.concat(chunks));
      } catch (error) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            message: `gateway error: ${error instanceof Error ? error.message : String(error)}`,
          }),
        );
      }
    });
  });
  const loopback = await listenOnLoopback(server, options.port);
  const { port } = loopback;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get clockOffsetMs() {
      return state.clockOffsetMs;
    },
    set clockOffsetMs(value: number) {
      state.clockOffsetMs = value;
    },
    addCredentials(credentials) {
      keys.set(credentials.accessKeyId, { ...credentials });
    },
    removeCredentials(accessKeyId) {
      keys.delete(accessKeyId);
    },
    dropNext(count = 1) {
      state.toDrop += count;
    },
    close: () => loopback.close(),
  };
}

/** Header lines exactly as received: names as sent, in order, repeats kept. */
function headerLinesOf(req: IncomingMessage): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  }
  return headers;
}

function receivedOf(raw: RawRequest, target: string, verdict: GatewayVerdict): ReceivedRequest {
  const rawPath = raw.rawPath.toString('latin1');
  return {
    method: raw.method,
    target,
    rawPath,
    rawQuery: raw.rawQuery.toString('latin1'),
    path: percentDecodeBytes(raw.rawPath).toString('utf8'),
    query: raw.query,
    headers: raw.headers,
    body: raw.body,
    verdict,
  };
}

/** As AWS refuses: the status, `x-amzn-ErrorType`, the server's `Date`, a JSON `message`. */
function sendRefusal(
  res: ServerResponse,
  verdict: GatewayVerdict,
  cors: CorsPolicy | undefined,
  serverNow: Date,
): void {
  res.writeHead(verdict.status, {
    ...corsHeaders(cors),
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': verdict.errorType ?? 'InvalidSignatureException',
    Date: serverNow.toUTCString(),
  });
  res.end(JSON.stringify({ message: verdict.message }));
}

/** The handler's answer, or a JSON echo of what was received. */
function sendAccepted(
  res: ServerResponse,
  request: ReceivedRequest,
  handler: SigV4GatewayOptions['handler'],
  cors: CorsPolicy | undefined,
  serverNow: Date,
): void {
  const custom = handler?.(request);
  if (custom !== undefined) {
    res.writeHead(custom.status ?? 200, {
      ...corsHeaders(cors),
      Date: serverNow.toUTCString(),
      ...custom.headers,
    });
    res.end(custom.body ?? '');
    return;
  }
  const echo: GatewayEcho = {
    method: request.method,
    path: request.path,
    rawPath: request.rawPath,
    rawQuery: request.rawQuery,
    query: request.query,
    headers: request.headers,
    body: request.body.toString('base64'),
    accessKeyId: request.verdict.accessKeyId ?? '',
  };
  res.writeHead(200, {
    ...corsHeaders(cors),
    'Content-Type': 'application/json',
    Date: serverNow.toUTCString(),
  });
  res.end(JSON.stringify(echo));
}
