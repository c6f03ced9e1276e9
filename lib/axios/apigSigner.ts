import type { InternalAxiosRequestConfig } from 'axios';

import { fromEnvByDefault } from '../credentials/fromEnv';
import { isMemoized, memoizeStrategy } from '../credentials/memoize';
import type { MemoizedCredentialsProvider } from '../credentials/memoize';
import { toCredentialsProvider } from '../credentials/resolve';
import type { Credentials, CredentialsProvider } from '../credentials/types';
import { createHostMatcher, scopeFromHostname } from '../signing/endpoint';
import type { HostPattern } from '../signing/endpoint';
import { exactView, isNodeBuffer } from '../signing/body';
import type { Sha256Constructor } from '../signing/sha256';
import type { HostInfo, Signer, SignerState } from './call';
import { resolveTarget } from './canonicalize';
import { createDispatcher } from './dispatch';
import { Mark, isDispatcher, keepDispatcherInFront, markOf, setMark } from './mark';
import { validateOptions } from './options';
import { hostKey, redirectHook } from './serverRedirects';
import { NOT_IN_HOSTS, unsignedNotice } from './unsignedNotice';

/** Options of {@link apigSigner}. */
export interface ApigSignerOptions {
  /**
   * Where credentials come from: a strategy (any `() => Promise<Credentials>`, AWS SDK providers
   * included) or a plain credentials object. A strategy is memoised with {@link memoize}
   * (unless it already is): fetched once, shared by concurrent requests, refreshed 5 minutes
   * before it expires.
   * @defaultValue `fromEnv()`
   */
  credentials?: CredentialsProvider | Credentials | undefined;
  /**
   * The region to sign for. Needed for hosts whose region cannot be read off the name (custom
   * domains, local servers); overrides the region of AWS endpoint hosts.
   * @defaultValue the region in the host name, e.g. `eu-west-2` for
   * `{id}.execute-api.eu-west-2.amazonaws.com`
   */
  region?: string | undefined;
  /**
   * The service to sign for.
   * @defaultValue read off AWS endpoint host names (`execute-api`, `lambda`, `appsync`, `es`,
   * `aoss`), otherwise `execute-api`
   */
  service?: string | undefined;
  /**
   * The hosts requests may be signed for: host names (`api.example.com`, any port), host and
   * port (`127.0.0.1:8080`; `api.example.com:443` also matches `https://api.example.com`),
   * wildcards (`*.example.com`, subdomains only) or RegExps, which must end with `$` (tested
   * against `name` or `name:port` as the URL has it; an unanchored one would also match
   * `example.com.evil.net`, and is refused). Requests to any other host pass through untouched:
   * no credentials are looked up and no header is added (the `debug` hook is told), unless the
   * request asks for a signature with `apigSigner: { sign: true }`, which fails with
   * `ERR_HOST_NOT_ALLOWED`. AWS endpoint hosts are signed over https only: an `http://` URL of
   * one fails with `ERR_INSECURE_URL`, since the session token would travel in clear text.
   * @defaultValue the AWS endpoint hosts apig-signer knows: `*.execute-api.{region}.amazonaws.com`,
   * `*.lambda-url.{region}.on.aws`, `*.appsync-api.{region}.amazonaws.com`,
   * `*.{region}.es.amazonaws.com`, `*.{region}.aoss.amazonaws.com` (and `.amazonaws.com.cn`)
   */
  hosts?: ReadonlyArray<HostPattern> | undefined;
  /**
   * Sign with query parameters (`X-Amz-Signature`, …) instead of the `Authorization` header.
   * @defaultValue `false`
   */
  signQuery?: boolean | undefined;
  /**
   * With `signQuery`, how many seconds the signed URL stays valid (1 to 604800).
   * @defaultValue `300`
   */
  expiresIn?: number | undefined;
  /**
   * Sign `x-amz-content-sha256: UNSIGNED-PAYLOAD` instead of the body's hash, which allows stream
   * bodies. Only for services that accept it; API Gateway's CORS allow-list must then include
   * `X-Amz-Content-Sha256`.
   * @defaultValue `false`
   */
  unsignedPayload?: boolean | undefined;
  /**
   * How long to wait for the credentials strategy before the request fails with a
   * `CredentialsError` (`ERR_CREDENTIALS_TIMEOUT`), in milliseconds (1 to 2147483647, the
   * longest a timer holds). A strategy call that times out is abandoned: the next request starts
   * a new one, so one call that never answers does not block the requests after it.
   * @defaultValue `30000`
   */
  credentialsTimeoutMs?: number | undefined;
  /**
   * Troubleshooting hook, off by default: called for each signed request with the canonical
   * request and string-to-sign, to compare with what AWS says it expected in a
   * `SignatureDoesNotMatch` answer, and for each request the signer lets through unsigned, with
   * the reason. The session token is redacted; the secret key never appears.
   * @defaultValue none
   */
  debug?: ((info: ApigSignerDebugEvent) => void) | undefined;
  /**
   * A SHA-256 hash constructor in the AWS SDK's shape (`new Sha256(key?)`, `update()`,
   * `digest()`), used instead of the platform's crypto. Needed where there is none: React
   * Native, and pages served over plain http from a name other than localhost (not a secure
   * context, so no `crypto.subtle`). `Sha256` from `@aws-crypto/sha256-js` (React Native) or
   * `@aws-crypto/sha256-universal` fits; without it, signing there fails with `ERR_NO_CRYPTO`.
   * @defaultValue node:crypto, else WebCrypto
   */
  sha256?: Sha256Constructor | undefined;
}

/** What the {@link ApigSignerOptions.debug} hook receives: a signed or a skipped request. */
export type ApigSignerDebugEvent = SigningDebugInfo | SkippedRequestInfo;

/** Why a request went out unsigned: see {@link SkippedRequestInfo}. */
export type SkipReason = 'sign-false' | 'not-http' | 'host-not-allowed';

/** What the {@link ApigSignerOptions.debug} hook receives for a request it lets through unsigned. */
export interface SkippedRequestInfo {
  /** Tells this event from a signed one. */
  event: 'skipped';
  /** The upper-case method. */
  method: string;
  /** The URL without its query, as far as it could be resolved. */
  url: string;
  /**
   * `sign-false`: the request said `apigSigner: { sign: false }`; `not-http`: the URL is
   * neither http nor https; `host-not-allowed`: the host is outside `hosts`.
   */
  reason: SkipReason;
  /** The reason in words, with what to change if the request should have been signed. */
  message: string;
}

/** What the {@link ApigSignerOptions.debug} hook receives for each signed request. */
export interface SigningDebugInfo {
  /** Tells this event from a skipped one. */
  event: 'signed';
  /** The upper-case method. */
  method: string;
  /** The URL as sent, without its query (the canonical request shows the query). */
  url: string;
  /** The region signed for. */
  region: string;
  /** The service signed for. */
  service: string;
  /** The `X-Amz-Date` used (after any clock correction). */
  signingDate: Date;
  /** The canonical request, session token redacted. */
  canonicalRequest: string;
  /** The string to sign. */
  stringToSign: string;
}

/**
 * Per-request options, under the `apigSigner` key of an axios request config.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 *
 * await api.get('/public/health', { apigSigner: { sign: false } });
 * await api.get('/reports', { apigSigner: { region: 'us-east-1' } });
 * // A file streamed as it is sent, signed with the SHA-256 of a first pass over it:
 * const hash = createHash('sha256');
 * for await (const chunk of fs.createReadStream('photo.jpg')) hash.update(chunk);
 * await api.put('/photos/1', fs.createReadStream('photo.jpg'), {
 *   apigSigner: { payloadHash: hash.digest('hex') },
 * });
 * ```
 */
export interface ApigSignerRequestOptions {
  /**
   * `false` sends this request without a signature. `true` insists on one: a host outside
   * `hosts` then fails with `ERR_HOST_NOT_ALLOWED` instead of going out unsigned.
   * @defaultValue sign when the host is in `hosts`
   */
  sign?: boolean | undefined;
  /**
   * The region for this request.
   * @defaultValue the signer's `region`, or the region in the host name
   */
  region?: string | undefined;
  /**
   * The service for this request.
   * @defaultValue the signer's `service`, or the service in the host name
   */
  service?: string | undefined;
  /**
   * The SHA-256 of a stream body, as 64 lower-case hex digits, computed by the caller (for
   * instance in a first pass over a file): the stream is then signed with this hash instead of
   * being refused (`ERR_STREAM_BODY`). The caller vouches that the stream yields exactly the
   * bytes hashed; the signer cannot check it, and a server that hashes what it receives (API
   * Gateway does) refuses the request when they differ. It wins over `unsignedPayload`. Given
   * with a body that is not a stream, or malformed, the request fails with
   * {@link SigningError} `ERR_PAYLOAD_HASH` before any I/O. A stream is sent once: not re-sent
   * after a redirect or AWS's clock-skew answer.
   * @defaultValue none: bytes are hashed by the signer, a stream is refused
   */
  payloadHash?: string | undefined;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Per-request options of apig-signer's interceptor. */
    apigSigner?: ApigSignerRequestOptions | undefined;
  }
}

/** The request interceptor {@link apigSigner} returns. */
export type ApigSignerInterceptor = (
  config: InternalAxiosRequestConfig,
) => Promise<InternalAxiosRequestConfig>;

const DEFAULT_EXPIRES_IN = 300;
const DEFAULT_CREDENTIALS_TIMEOUT_MS = 30_000;

function memoizedStrategy(
  credentials: CredentialsProvider | Credentials,
): MemoizedCredentialsProvider {
  const strategy = toCredentialsProvider(credentials);
  return isMemoized(strategy) ? strategy : memoizeStrategy(strategy);
}

/** The URL of a request without its query, as far as it can be resolved, for the debug hook. */
function describeUrl(config: InternalAxiosRequestConfig): string {
  try {
    const { url, path } = resolveTarget(config);
    return `${url.protocol}//${url.host}${path}`;
  } catch {
    return (config.url ?? '').split('?')[0] ?? '';
  }
}

const SKIP_MESSAGES: Readonly<Record<SkipReason, string>> = {
  'sign-false': 'the request set `apigSigner: { sign: false }`.',
  'not-http': 'the URL is neither http nor https.',
  'host-not-allowed': `the host ${NOT_IN_HOSTS}`,
};

/**
 * Creates an axios request interceptor that signs requests to allowlisted hosts with AWS
 * Signature Version 4, for API Gateway endpoints secured with IAM auth, and recovers once from
 * AWS's clock-skew and expired-token answers.
 *
 * The interceptor only marks the request. The signing happens at dispatch, in front of the
 * adapter, after every request interceptor and the whole `transformRequest` chain: the request
 * is signed exactly as it is sent (final URL and query, body bytes, headers), so the order in
 * which interceptors are registered does not matter, in either axios ordering mode. There, too:
 *
 * - redirects are followed where the platform would carry a signer header to another origin
 *   (the fetch adapter in Node, Bun and Deno), and no signer header or session token ever
 *   follows a redirect to another origin or to plain http (any adapter);
 * - a 403 that AWS gives because the device clock is wrong (`InvalidSignatureException`
 *   "Signature expired" / "not yet current") or the credentials expired
 *   (`ExpiredTokenException`) is read before axios's `validateStatus` and response
 *   interceptors, whatever the `responseType`; the clock offset is learnt (kept for this
 *   signer) or those credentials dropped, and the request is signed again and re-sent once. Only
 *   AWS's own error type counts (in browsers the API's CORS must expose `x-amzn-ErrorType`). A
 *   stream body is never sent twice (`ERR_BODY_NOT_REPLAYABLE`);
 * - the caller's `signal`, `CancelToken` and `timeout` cover the whole call: waiting for
 *   credentials, every redirect hop and the re-send.
 *
 * axios then sees one final answer: `validateStatus` and response interceptors run once per
 * call, and the re-send's answer is the caller's answer.
 *
 * @param options - credentials, region, service, allowlist and signing mode.
 * @returns a request interceptor for `instance.interceptors.request.use(...)`.
 * @throws {@link ConfigurationError} at once for malformed options. The request then rejects,
 * before any network I/O, with {@link ConfigurationError} (`ERR_NO_REGION`, `ERR_RELATIVE_URL`,
 * `ERR_INVALID_URL`, `ERR_HOST_NOT_ALLOWED`), {@link SigningError} (`ERR_STREAM_BODY`,
 * `ERR_PAYLOAD_HASH`, `ERR_UNSUPPORTED_BODY`, `ERR_HEADER_VALUE`, `ERR_BASIC_AUTH`, `ERR_INSECURE_URL`,
 * `ERR_NO_CRYPTO`, `ERR_BODY_NOT_REPLAYABLE` for a stream read by an earlier attempt) or
 * {@link CredentialsError}; after a redirect it will not follow, with {@link ApigSignerError}
 * `ERR_REDIRECT`.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { apigSigner, fromStatic } from 'apig-signer';
 *
 * const api = axios.create({ baseURL: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod' });
 * api.interceptors.request.use(
 *   apigSigner({
 *     credentials: fromStatic({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
 *   }),
 * );
 * await api.get('/notes', { params: { q: 'two words', tags: ['a', 'b'] } });
 * ```
 */
export function apigSigner(options: ApigSignerOptions = {}): ApigSignerInterceptor {
  return createSigner(options).interceptor;
}

/** Builds one signer: the request interceptor that marks requests, and its state. */
export function createSigner(options: ApigSignerOptions = {}): {
  interceptor: ApigSignerInterceptor;
  state: SignerState;
} {
  validateOptions(options);
  const state: SignerState = {
    clockOffsetMs: 0,
    credentials: memoizedStrategy(
      options.credentials === undefined ? fromEnvByDefault() : options.credentials,
    ),
  };
  const hostMatches = createHostMatcher(options.hosts);
  const hosts = new Map<string, HostInfo>();
  const { debug } = options;
  const noticeUnsigned = unsignedNotice(options);
  const signer: Signer = {
    state,
    region: options.region,
    service: options.service,
    signQuery: options.signQuery ?? false,
    unsignedPayload: options.unsignedPayload ?? false,
    expiresIn: options.expiresIn ?? DEFAULT_EXPIRES_IN,
    credentialsTimeoutMs: options.credentialsTimeoutMs ?? DEFAULT_CREDENTIALS_TIMEOUT_MS,
    sha256: options.sha256,
    debug,
    hostInfo(url) {
      const origin = `${url.protocol}//${url.host}`;
      let info = hosts.get(origin);
      if (info === undefined) {
        if (hosts.size >= 256) hosts.clear();
        const redirectKey = hostKey(url.protocol, url.hostname, url.port);
        const scope = scopeFromHostname(url.hostname);
        info = {
          origin,
          allowed: hostMatches(url.hostname, url.host, url.protocol),
          insecure: url.protocol === 'http:' && scope !== undefined,
          scope,
          redirectKey,
          redirectHook: redirectHook(redirectKey, undefined),
        };
        hosts.set(origin, info);
      }
      return info;
    },
    skip(config, reason, url) {
      if (reason === 'host-not-allowed' && url) noticeUnsigned(url, config.method);
      debug?.({
        event: 'skipped',
        method: (config.method ?? 'get').toUpperCase(),
        url: describeUrl(config),
        reason,
        message: `Not signed: ${SKIP_MESSAGES[reason]}`,
      });
    },
  };
  const dispatcher = createDispatcher(signer);

  const interceptor: ApigSignerInterceptor = function apigSignerInterceptor(config) {
    // The adapter the app named, however often this config has been marked (axios-retry).
    const adapter = isDispatcher(config.adapter) ? markOf(config)?.adapter : config.adapter;
    setMark(config, new Mark(state, dispatcher, adapter));
    config.adapter = dispatcher;
    const chain = config.transformRequest;
    const steps = Array.isArray(chain) ? chain : chain === undefined ? [] : [chain];
    if (steps[steps.length - 1] !== keepDispatcherInFront) {
      config.transformRequest = [...steps, keepDispatcherInFront];
    }
    // axios's own transformRequest sends a typed array's whole buffer: keep just its bytes.
    const data: unknown = config.data;
    if (ArrayBuffer.isView(data) && !isNodeBuffer(data)) config.data = exactView(data);
    // A Blob's own type, before axios defaults a PUT or POST to a form content type.
    else if (typeof Blob !== 'undefined' && data instanceof Blob && data.type !== '') {
      if (!config.headers.getContentType()) config.headers.setContentType(data.type);
    }
    return Promise.resolve(config);
  };
  return { interceptor, state };
}
