import { AxiosHeaders } from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';

import { fromEnvByDefault } from '../credentials/fromEnv';
import { isMemoized, memoize } from '../credentials/memoize';
import type { MemoizedCredentialsProvider } from '../credentials/memoize';
import { toCredentialsProvider } from '../credentials/resolve';
import type { Credentials, CredentialsProvider } from '../credentials/types';
import { ConfigurationError, SigningError } from '../errors';
import { assertScopePart, createHostMatcher, scopeFromHostname } from '../signing/endpoint';
import { SIGNER_HEADERS, isSendableHeaderValue, isSignedHeader } from '../signing/headers';
import type { HostPattern } from '../signing/endpoint';
import type { Sha256Constructor } from '../signing/sha256';
import { signWireRequest } from '../signing/signer';
import { prepareBody, resolveTarget } from './canonicalize';
import { redactToken } from './debug';
import { createDispatchGuard, isDispatchGuard } from './dispatchGuard';
import { validateOptions } from './options';
import { hostKey, redirectHook, userRedirectHook } from './redirectGuard';
import type { RedirectHook } from './redirectGuard';
import { SignedRecord, keepGuardInFront, setSignedRecord, signedRecordOf } from './signedRecord';
import { unsignedNotice } from './unsignedNotice';

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
 * await api.get('/public/health', { apigSigner: { sign: false } });
 * await api.get('/reports', { apigSigner: { region: 'us-east-1' } });
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

const METHODS_WITH_DEFAULT_CONTENT_TYPE = new Set(['post', 'put', 'patch']);

/**
 * The headers to sign, from axios's flattened headers as they will be sent: lower-case names
 * and values, `Host` (set by the caller, Node only) apart.
 */
function headersToSign(
  headers: AxiosHeaders,
  hasBody: boolean,
): { toSign: Array<[string, string]>; host: string | undefined } {
  const toSign: Array<[string, string]> = [];
  let host: string | undefined;
  for (const [name, raw] of Object.entries(headers.toJSON())) {
    // toJSON() has dropped null, undefined and false: those are neither sent nor signed.
    let value: string;
    if (Array.isArray(raw)) {
      // One line, joined as SigV4 joins repeated headers, so every adapter sends the same.
      value = raw.map(String).join(',');
      headers.set(name, value);
    } else {
      value = String(raw);
    }
    if (!isSendableHeaderValue(value)) {
      throw new SigningError(
        'ERR_HEADER_VALUE',
        `Header "${name}" holds characters that HTTP cannot carry unchanged (line breaks, control characters, or characters beyond U+00FF): encode the value, for example with encodeURIComponent.`,
      );
    }
    const lower = name.toLowerCase();
    if (lower === 'host') host = value;
    else if (!isSignedHeader(lower)) continue;
    // Browser adapters drop Content-Type when there is no body: sign it only with one.
    else if (lower === 'content-type' && !hasBody) continue;
    else toSign.push([lower, value]);
  }
  return { toSign, host };
}

function memoizedStrategy(
  credentials: CredentialsProvider | Credentials,
): MemoizedCredentialsProvider {
  const strategy = toCredentialsProvider(credentials);
  return isMemoized(strategy) ? strategy : memoize(strategy);
}

/**
 * Creates an axios request interceptor that signs requests to allowlisted hosts with AWS
 * Signature Version 4, for API Gateway endpoints secured with IAM auth.
 *
 * It builds the request exactly as axios will send it (final URL and query, the body after the
 * whole `transformRequest` chain, flattened headers), signs that, and writes it back so axios has
 * nothing left to change: the bytes signed are the bytes sent.
 *
 * Register it last: axios runs request interceptors last-registered-first, so an interceptor
 * registered *before* this one runs *after* it and could change a signed request.
 *
 * @param options - credentials, region, service, allowlist and signing mode.
 * @returns a request interceptor for `instance.interceptors.request.use(...)`.
 * @throws {@link ConfigurationError} at once for malformed options. The interceptor itself
 * rejects, before any network I/O, with {@link ConfigurationError} (`ERR_NO_REGION`,
 * `ERR_RELATIVE_URL`, `ERR_INVALID_URL`), {@link SigningError} (`ERR_STREAM_BODY`,
 * `ERR_UNSUPPORTED_BODY`, `ERR_HEADER_VALUE`, `ERR_BASIC_AUTH`, `ERR_NO_CRYPTO`) or
 * {@link CredentialsError}.
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

/** What the request and response sides of one signer share. */
export interface SignerState {
  /** Correction added to the device clock, learnt from AWS's answers (see attachApigSigner). */
  clockOffsetMs: number;
  /** The memoised credentials strategy. */
  credentials: MemoizedCredentialsProvider;
}

/** What the signer remembers of one origin: apps call few, so not worked out per request. */
interface HostInfo {
  origin: string;
  allowed: boolean;
  /** An AWS endpoint host over plain http: refused, never signed. */
  insecure: boolean;
  scope: ReturnType<typeof scopeFromHostname>;
  redirectKey: string;
  /** The redirect hook for configs without a `beforeRedirect` of their own. */
  redirectHook: RedirectHook;
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
  'host-not-allowed':
    'the host is not in `hosts` (by default only AWS endpoint host names are signed): add it to `hosts` in apigSigner() options.',
};

/** Builds one signer: the request interceptor and the state its response side can adjust. */
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
  const hostInfo = (url: URL): HostInfo => {
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
  };
  const signQuery = options.signQuery ?? false;
  const unsignedPayload = options.unsignedPayload ?? false;
  const expiresIn = options.expiresIn ?? DEFAULT_EXPIRES_IN;
  const credentialsTimeoutMs = options.credentialsTimeoutMs ?? DEFAULT_CREDENTIALS_TIMEOUT_MS;
  const { debug, sha256 } = options;
  const noticeUnsigned = unsignedNotice(options);

  const skip = (
    config: InternalAxiosRequestConfig,
    reason: SkipReason,
  ): InternalAxiosRequestConfig => {
    debug?.({
      event: 'skipped',
      method: (config.method ?? 'get').toUpperCase(),
      url: describeUrl(config),
      reason,
      message: `Not signed: ${SKIP_MESSAGES[reason]}`,
    });
    return config;
  };

  const interceptor: ApigSignerInterceptor = async function apigSignerInterceptor(config) {
    const perRequest = config.apigSigner;
    if (perRequest?.sign === false) return skip(config, 'sign-false');

    const target = resolveTarget(config);
    const { url } = target;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return skip(config, 'not-http');
    const host = hostInfo(url);
    if (!host.allowed) {
      if (perRequest?.sign !== true) {
        noticeUnsigned(url, config.method);
        return skip(config, 'host-not-allowed');
      }
      throw new ConfigurationError(
        'ERR_HOST_NOT_ALLOWED',
        `The request to ${url.host} asks to be signed (\`apigSigner: { sign: true }\`), but ${url.host} is not in \`hosts\`: add it to \`hosts\` in apigSigner() options. Nothing was sent.`,
      );
    }
    if (host.insecure) {
      throw new SigningError(
        'ERR_INSECURE_URL',
        `Refusing to sign http://${url.host}: AWS endpoints are served over https, and over http the signature and session token would travel in clear text. Use https://. Nothing was sent.`,
      );
    }
    if (config.auth || url.username || url.password) {
      throw new SigningError(
        'ERR_BASIC_AUTH',
        `The request to ${url.host} sets HTTP Basic auth (\`auth\` or credentials in the URL), which would replace the SigV4 signature: remove it, or turn signing off for this request with \`apigSigner: { sign: false }\`.`,
      );
    }
    assertScopePart(perRequest?.region, 'region', 'apigSigner.region');
    assertScopePart(perRequest?.service, 'service', 'apigSigner.service');
    const region = perRequest?.region ?? options.region ?? host.scope?.region;
    if (region === undefined) {
      throw new ConfigurationError(
        'ERR_NO_REGION',
        `No region for host ${url.host}: its region cannot be read off the name. Set \`region\` in apigSigner() options (or per request under \`apigSigner\`).`,
      );
    }
    const service = perRequest?.service ?? options.service ?? host.scope?.service ?? 'execute-api';

    const headers = AxiosHeaders.from(config.headers);
    config.headers = headers;
    for (const name of SIGNER_HEADERS) headers.delete(name);
    headers.delete('content-length');

    const bodyOrPromise = prepareBody(config, headers);
    // A thenable, not `instanceof Promise`: a Blob's promise may come from another realm.
    const body = 'then' in bodyOrPromise ? await bodyOrPromise : bodyOrPromise;
    if (body.stream && !unsignedPayload) {
      throw new SigningError(
        'ERR_STREAM_BODY',
        `A stream body cannot be hashed for the signature of ${config.method?.toUpperCase() ?? 'GET'} ${url.host}${url.pathname}: send a Buffer, string or Blob, or create the signer with \`unsignedPayload: true\` if the service accepts unsigned payloads.`,
      );
    }
    const method = (config.method ?? 'get').toLowerCase();
    const hasBody = body.send !== undefined;
    // axios adds this default after the interceptors; add it now so that it is signed.
    if (hasBody && METHODS_WITH_DEFAULT_CONTENT_TYPE.has(method) && !headers.getContentType()) {
      headers.setContentType('application/x-www-form-urlencoded');
    }

    const { toSign, host: hostSet } = headersToSign(headers, hasBody);
    // A Host header set by the caller (Node only) is what goes on the wire, so it is what is signed.
    const hostHeader = hostSet ?? url.host;

    // Expiry is judged on the clock AWS keeps, as far as its answers have taught us.
    const request = { clockOffsetMs: state.clockOffsetMs, timeoutMs: credentialsTimeoutMs };
    const credentials = state.credentials.peek(request) ?? (await state.credentials(request));
    const signingDate = new Date(Date.now() + state.clockOffsetMs);
    const signed = await signWireRequest(
      {
        method: method.toUpperCase(),
        protocol: url.protocol,
        hostname: url.hostname,
        host: hostHeader,
        path: target.path,
        query: target.query,
        headers: toSign,
        body: body.sign,
      },
      { credentials, region, service, signingDate, signQuery, expiresIn, unsignedPayload, sha256 },
      debug === undefined
        ? undefined
        : ({ canonicalRequest, stringToSign }) => {
            const token = credentials.sessionToken;
            debug({
              event: 'signed',
              method: method.toUpperCase(),
              url: redactToken(`${url.protocol}//${url.host}${target.path}`, token),
              region,
              service,
              signingDate,
              canonicalRequest: redactToken(canonicalRequest, token),
              stringToSign,
            });
          },
    );

    for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value);
    const signedUrl = `${host.origin}${target.path}${signed.search ? `?${signed.search}` : ''}`;
    config.url = signedUrl;
    config.params = undefined;
    config.allowAbsoluteUrls = true;
    config.data = body.send;
    config.transformRequest = [keepGuard];
    const userHook = userRedirectHook(config);
    config.beforeRedirect = (
      userHook === undefined ? host.redirectHook : redirectHook(host.redirectKey, userHook)
    ) as NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;
    // The adapter the caller named, however often this config has been signed.
    const adapter = isDispatchGuard(config.adapter)
      ? signedRecordOf(config)?.adapter
      : config.adapter;
    const record = new SignedRecord(
      state,
      signedUrl,
      host.origin,
      credentials,
      !body.stream,
      adapter,
    );
    setSignedRecord(config, record);
    config.adapter = guard;
    return config;
  };
  const guard = createDispatchGuard(state, interceptor);
  const keepGuard = keepGuardInFront(guard);
  return { interceptor, state };
}
