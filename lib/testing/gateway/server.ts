import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { listenOnLoopback } from './loopback';
import {
  ALGORITHM,
  UNSIGNED_PAYLOAD,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  percentDecodeBytes,
  sameSignature,
  sha256Hex,
  signatureOf,
  signingKey,
  splitRawQuery,
} from './sigv4';

/** A key pair the gateway knows. */
export interface GatewayCredentials {
  /** The access key id requests name in their credential scope. */
  accessKeyId: string;
  /** The secret the gateway verifies signatures with. */
  secretAccessKey: string;
  /** When set, requests signed with this key must present this token. */
  sessionToken?: string | undefined;
  /** After this instant, requests with this key get 403 `ExpiredTokenException`. */
  expiration?: Date | undefined;
}

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
   * (`Signature expired` / `Signature not yet current`), in milliseconds.
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
      }
    | undefined;
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

/** The gateway's judgement of a request's signature. */
export interface GatewayVerdict {
  /** Whether the signature (and everything checked before it) was accepted. */
  accepted: boolean;
  /** The HTTP status sent. */
  status: number;
  /** `x-amzn-ErrorType` of a refusal, such as `InvalidSignatureException`. */
  errorType?: string;
  /** The refusal's message, as AWS words it. */
  message?: string;
  /** `'header'` for `Authorization`, `'query'` for query-string auth. */
  authMode?: 'header' | 'query';
  /** The access key id the request named. */
  accessKeyId?: string;
  /** Header names the signature covers. */
  signedHeaders?: string[];
  /** Whether a presented session token was covered by the signature. */
  sessionTokenSigned?: boolean;
  /** The canonical request the gateway computed from what it received. */
  canonicalRequest?: string;
  /** The string to sign the gateway computed. */
  stringToSign?: string;
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
  /** Every request received, oldest first (preflights included). */
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
 * The key pair a gateway accepts when no `credentials` option is given (the AWS documentation's
 * example keys).
 *
 * @example
 * ```ts
 * import { apigSigner } from 'apig-signer';
 * import { DEFAULT_GATEWAY_CREDENTIALS, startSigV4Gateway } from 'apig-signer/testing';
 *
 * const gateway = await startSigV4Gateway();
 * const interceptor = apigSigner({
 *   credentials: DEFAULT_GATEWAY_CREDENTIALS,
 *   region: 'us-east-1',
 *   hosts: ['127.0.0.1'],
 * });
 * ```
 */
export const DEFAULT_GATEWAY_CREDENTIALS: Readonly<GatewayCredentials> = Object.freeze({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
});

/**
 * API Gateway's CORS allow-list when CORS is enabled with its defaults; what
 * `startSigV4Gateway({ cors: true })` answers preflights with.
 *
 * @example
 * ```ts
 * import { API_GATEWAY_CORS_HEADERS, startSigV4Gateway } from 'apig-signer/testing';
 *
 * const gateway = await startSigV4Gateway({
 *   cors: { allowHeaders: [...API_GATEWAY_CORS_HEADERS, 'X-Amz-Content-Sha256'] },
 * });
 * ```
 */
export const API_GATEWAY_CORS_HEADERS: ReadonlyArray<string> = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
];

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

const formatAmzDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    readonly details: Partial<GatewayVerdict> = {},
  ) {
    super(message);
  }
}

interface ParsedAuth {
  mode: 'header' | 'query';
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  expires?: number;
}

function headerValues(headers: ReadonlyArray<readonly [string, string]>, name: string): string[] {
  return headers.filter(([raw]) => raw.toLowerCase() === name).map(([, value]) => value);
}

function decodeUtf8(raw: string): string {
  return percentDecodeBytes(Buffer.from(raw, 'latin1')).toString('utf8');
}

function parseCredential(
  credential: string,
): Omit<ParsedAuth, 'mode' | 'signedHeaders' | 'signature' | 'amzDate'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw new Refusal(
      403,
      'IncompleteSignatureException',
      `Credential should be scoped correctly: expected <access key>/<date>/<region>/<service>/aws4_request.`,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = ''] = parts;
  return { accessKeyId, scopeDate, region, service };
}

function parseAuth(
  headers: ReadonlyArray<readonly [string, string]>,
  query: Array<[string, string]>,
): ParsedAuth {
  const authorization = headerValues(headers, 'authorization')[0];
  if (authorization !== undefined) {
    if (!authorization.startsWith(`${ALGORITHM} `)) {
      throw new Refusal(
        403,
        'IncompleteSignatureException',
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header, and the ${ALGORITHM} algorithm.`,
      );
    }
    const fields = new Map<string, string>();
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    if (credential === undefined || signedHeaders === undefined || signature === undefined) {
      throw new Refusal(
        403,
        'IncompleteSignatureException',
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
      );
    }
    const amzDate = headerValues(headers, 'x-amz-date')[0] ?? '';
    return {
      mode: 'header',
      ...parseCredential(credential),
      signedHeaders: signedHeaders.split(';'),
      signature,
      amzDate: amzDate.trim(),
    };
  }
  const param = (name: string) => query.find(([key]) => key === name)?.[1];
  if (param('X-Amz-Algorithm') !== undefined) {
    if (param('X-Amz-Algorithm') !== ALGORITHM) {
      throw new Refusal(
        403,
        'IncompleteSignatureException',
        `X-Amz-Algorithm must be ${ALGORITHM}.`,
      );
    }
    const credential = param('X-Amz-Credential');
    const signedHeaders = param('X-Amz-SignedHeaders');
    const signature = param('X-Amz-Signature');
    const amzDate = param('X-Amz-Date');
    const expires = param('X-Amz-Expires');
    if (
      credential === undefined ||
      signedHeaders === undefined ||
      signature === undefined ||
      amzDate === undefined ||
      expires === undefined
    ) {
      throw new Refusal(
        403,
        'IncompleteSignatureException',
        'Query-string authentication requires X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature.',
      );
    }
    return {
      mode: 'query',
      ...parseCredential(credential),
      signedHeaders: signedHeaders.split(';'),
      signature,
      amzDate,
      expires: Number(expires),
    };
  }
  throw new Refusal(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
}

const httpDate = (date: Date): string => date.toUTCString();

/**
 * Starts a stand-in for API Gateway with IAM auth on 127.0.0.1: it verifies AWS Signature
 * Version 4 from the raw request as received (request target, header lines, body bytes) and
 * answers like AWS: 403 with `x-amzn-ErrorType` and, on a signature mismatch, the canonical
 * request and string-to-sign it expected. It records every request for assertions.
 *
 * Its canonicalisation is written from the AWS specification and shares no code with
 * apig-signer's signer, so tests against it are an independent check of any signer.
 *
 * @param options - region, service, keys, clock, CORS and a response handler.
 * @returns the running gateway; `close()` it when done.
 * @throws if the port cannot be listened on.
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
  const region = options.region ?? 'us-east-1';
  const service = options.service ?? 'execute-api';
  const maxSkewMs = options.maxSkewMs ?? 300_000;
  const normalizePath = options.normalizePath ?? true;
  const requireSignedToken = options.requireSignedSessionToken ?? true;
  const clock = options.now ?? (() => new Date());
  const keys = new Map<string, GatewayCredentials>();
  for (const credentials of options.credentials ?? [DEFAULT_GATEWAY_CREDENTIALS]) {
    keys.set(credentials.accessKeyId, { ...credentials });
  }
  const cors =
    options.cors === undefined || options.cors === false
      ? undefined
      : {
          allowOrigin: (options.cors === true ? undefined : options.cors.allowOrigin) ?? '*',
          allowHeaders:
            (options.cors === true ? undefined : options.cors.allowHeaders) ??
            API_GATEWAY_CORS_HEADERS,
        };
  const requests: ReceivedRequest[] = [];

  const state = { clockOffsetMs: options.clockOffsetMs ?? 0 };
  const now = () => new Date(clock().getTime() + state.clockOffsetMs);

  function verify(
    method: string,
    rawPath: Buffer,
    rawQuery: Buffer,
    headers: ReadonlyArray<readonly [string, string]>,
    query: Array<[string, string]>,
    body: Buffer,
  ): GatewayVerdict {
    const auth = parseAuth(headers, query);
    const base: Partial<GatewayVerdict> = {
      authMode: auth.mode,
      accessKeyId: auth.accessKeyId,
      signedHeaders: auth.signedHeaders,
    };
    if (auth.region !== region) {
      throw new Refusal(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to a valid region. This endpoint's region is '${region}', not '${auth.region}'.`,
        base,
      );
    }
    if (auth.service !== service) {
      throw new Refusal(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${service}'.`,
        base,
      );
    }
    const signedAt = parseAmzDate(auth.amzDate);
    if (signedAt === undefined) {
      throw new Refusal(
        403,
        'IncompleteSignatureException',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        base,
      );
    }
    if (auth.scopeDate !== auth.amzDate.slice(0, 8)) {
      throw new Refusal(
        403,
        'InvalidSignatureException',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
        base,
      );
    }
    if (
      auth.signedHeaders.join(';') !== [...auth.signedHeaders].sort().join(';') ||
      !auth.signedHeaders.includes('host')
    ) {
      throw new Refusal(
        403,
        'InvalidSignatureException',
        "SignedHeaders must be sorted, lower-case, and include 'host'.",
        base,
      );
    }
    const serverNow = now();
    const skew = signedAt.getTime() - serverNow.getTime();
    if (auth.mode === 'header' || skew > maxSkewMs) {
      if (skew < -maxSkewMs) {
        throw new Refusal(
          403,
          'InvalidSignatureException',
          `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(new Date(serverNow.getTime() - maxSkewMs))} (${formatAmzDate(serverNow)} - 5 min.)`,
          base,
        );
      }
      if (skew > maxSkewMs) {
        throw new Refusal(
          403,
          'InvalidSignatureException',
          `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(new Date(serverNow.getTime() + maxSkewMs))} (${formatAmzDate(serverNow)} + 5 min.)`,
          base,
        );
      }
    }
    if (auth.mode === 'query') {
      const expires = auth.expires ?? NaN;
      if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) {
        throw new Refusal(
          403,
          'AuthorizationQueryParametersError',
          'X-Amz-Expires must be from 1 to 604800 seconds.',
          base,
        );
      }
      if (signedAt.getTime() + expires * 1000 < serverNow.getTime()) {
        throw new Refusal(403, 'AccessDeniedException', 'Request has expired', base);
      }
    }

    const key = keys.get(auth.accessKeyId);
    if (key === undefined) {
      throw new Refusal(
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        base,
      );
    }
    const tokenFromHeader = headerValues(headers, 'x-amz-security-token')[0]?.trim();
    const tokenFromQuery = query.find(([name]) => name === 'X-Amz-Security-Token')?.[1];
    const token = tokenFromHeader ?? tokenFromQuery;
    if ((key.sessionToken ?? undefined) !== token) {
      throw new Refusal(
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        base,
      );
    }
    if (key.expiration !== undefined && key.expiration.getTime() <= serverNow.getTime()) {
      throw new Refusal(
        403,
        'ExpiredTokenException',
        'The security token included in the request is expired',
        base,
      );
    }

    let payloadHash = sha256Hex(body);
    const declared = headerValues(headers, 'x-amz-content-sha256')[0]?.trim();
    if (declared !== undefined) {
      if (declared === UNSIGNED_PAYLOAD && auth.signedHeaders.includes('x-amz-content-sha256')) {
        payloadHash = UNSIGNED_PAYLOAD;
      } else if (declared !== payloadHash) {
        throw new Refusal(
          400,
          'XAmzContentSHA256Mismatch',
          'The provided x-amz-content-sha256 header does not match what was computed.',
          base,
        );
      }
    }

    const canonical = canonicalHeaders(headers, auth.signedHeaders);
    if ('missing' in canonical) {
      throw new Refusal(
        403,
        'InvalidSignatureException',
        `The request signature we calculated does not match the signature you provided: signed header '${canonical.missing}' was not received.`,
        base,
      );
    }
    const pairs = splitRawQuery(rawQuery);
    const attempt = (omit: ReadonlySet<string>) => {
      const canonicalRequest = [
        method,
        canonicalUri(rawPath, normalizePath),
        canonicalQuery(pairs, omit),
        canonical.text,
        auth.signedHeaders.join(';'),
        payloadHash,
      ].join('\n');
      const stringToSign = [
        ALGORITHM,
        auth.amzDate,
        `${auth.scopeDate}/${region}/${service}/aws4_request`,
        sha256Hex(canonicalRequest),
      ].join('\n');
      const expected = signatureOf(
        signingKey(key.secretAccessKey, auth.scopeDate, region, service),
        stringToSign,
      );
      return { canonicalRequest, stringToSign, ok: sameSignature(expected, auth.signature) };
    };
    const tokenSignedInHeaders =
      tokenFromHeader !== undefined && auth.signedHeaders.includes('x-amz-security-token');
    let result = attempt(new Set(['X-Amz-Signature']));
    let sessionTokenSigned =
      token === undefined
        ? undefined
        : tokenSignedInHeaders || (auth.mode === 'query' && tokenFromQuery !== undefined);
    if (!result.ok && !requireSignedToken && tokenFromQuery !== undefined) {
      // A token appended after signing (some AWS services accept it): not covered by the signature.
      const retry = attempt(new Set(['X-Amz-Signature', 'X-Amz-Security-Token']));
      if (retry.ok) {
        result = retry;
        sessionTokenSigned = false;
      }
    }
    const details = {
      ...base,
      canonicalRequest: result.canonicalRequest,
      stringToSign: result.stringToSign,
    };
    if (!result.ok) {
      throw new Refusal(
        403,
        'InvalidSignatureException',
        `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${result.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${result.stringToSign}'\n`,
        details,
      );
    }
    if (token !== undefined && requireSignedToken && sessionTokenSigned !== true) {
      throw new Refusal(
        403,
        'InvalidSignatureException',
        'The security token must be covered by the signature (X-Amz-Security-Token in SignedHeaders).',
        details,
      );
    }
    return {
      accepted: true,
      status: 200,
      ...details,
      ...(sessionTokenSigned === undefined ? {} : { sessionTokenSigned }),
    };
  }

  function corsHeaders(): Record<string, string> {
    return cors === undefined ? {} : { 'Access-Control-Allow-Origin': cors.allowOrigin };
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const target = req.url ?? '/';
    const targetBytes = Buffer.from(target, 'latin1');
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    const rawQuery = q === -1 ? '' : target.slice(q + 1);
    const headers: Array<[string, string]> = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
    }
    const query = splitRawQuery(Buffer.from(rawQuery, 'latin1')).map(
      ([name, value]): [string, string] => [
        percentDecodeBytes(name).toString('utf8'),
        percentDecodeBytes(value).toString('utf8'),
      ],
    );
    const method = req.method ?? 'GET';
    const received: Omit<ReceivedRequest, 'verdict'> = {
      method,
      target: targetBytes.toString('latin1'),
      rawPath,
      rawQuery,
      path: decodeUtf8(rawPath),
      query,
      headers,
      body,
    };

    if (
      cors !== undefined &&
      method === 'OPTIONS' &&
      headerValues(headers, 'access-control-request-method').length > 0
    ) {
      requests.push({ ...received, verdict: { accepted: true, status: 204 } });
      res.writeHead(204, {
        ...corsHeaders(),
        'Access-Control-Allow-Methods': 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT',
        'Access-Control-Allow-Headers': cors.allowHeaders.join(','),
      });
      res.end();
      return;
    }

    let verdict: GatewayVerdict;
    try {
      verdict = verify(
        method,
        Buffer.from(rawPath, 'latin1'),
        Buffer.from(rawQuery, 'latin1'),
        headers,
        query,
        body,
      );
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      verdict = {
        ...error.details,
        accepted: false,
        status: error.status,
        errorType: error.errorType,
        message: error.message,
      };
      requests.push({ ...received, verdict });
      res.writeHead(error.status, {
        ...corsHeaders(),
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': error.errorType,
        Date: httpDate(now()),
      });
      res.end(JSON.stringify({ message: error.message }));
      return;
    }
    const request: ReceivedRequest = { ...received, verdict };
    requests.push(request);
    const custom = options.handler?.(request);
    if (custom !== undefined) {
      res.writeHead(custom.status ?? 200, {
        ...corsHeaders(),
        Date: httpDate(now()),
        ...custom.headers,
      });
      res.end(custom.body ?? '');
      return;
    }
    const echo: GatewayEcho = {
      method,
      path: received.path,
      rawPath,
      rawQuery,
      query,
      headers,
      body: body.toString('base64'),
      accessKeyId: verdict.accessKeyId ?? '',
    };
    res.writeHead(200, {
      ...corsHeaders(),
      'Content-Type': 'application/json',
      Date: httpDate(now()),
    });
    res.end(JSON.stringify(echo));
  }

  let toDrop = 0;
  const server: Server = createServer((req, res) => {
    if (toDrop > 0) {
      toDrop -= 1;
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
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
      toDrop += count;
    },
    close: () => loopback.close(),
  };
}
