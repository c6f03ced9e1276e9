import { AxiosHeaders } from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';

import { fromEnv } from '../credentials/fromEnv';
import { isMemoized, memoize } from '../credentials/memoize';
import type { MemoizedCredentialsProvider } from '../credentials/memoize';
import { toCredentialsProvider } from '../credentials/resolve';
import type { Credentials, CredentialsProvider } from '../credentials/types';
import { ConfigurationError, CredentialsError, SigningError } from '../errors';
import { createHostMatcher, scopeFromHostname } from '../signing/endpoint';
import { SIGNER_HEADERS, isSendableHeaderValue, isSignedHeader } from '../signing/headers';
import type { HostPattern } from '../signing/endpoint';
import { assertSha256Option } from '../signing/sha256';
import type { Sha256Constructor } from '../signing/sha256';
import { signWireRequest } from '../signing/signer';
import { encodeRfc3986 } from '../signing/uri';
import { prepareBody, resolveTarget } from './canonicalize';

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
   * port (`127.0.0.1:8080`), wildcards (`*.example.com`, subdomains only) or RegExps (tested
   * against `name` or `name:port`). Requests to any other host pass through untouched: no
   * credentials are looked up and no header is added.
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
   * `CredentialsError` (`ERR_CREDENTIALS_TIMEOUT`), in milliseconds.
   * @defaultValue `30000`
   */
  credentialsTimeoutMs?: number | undefined;
  /**
   * Troubleshooting hook, off by default: called for each signed request with the canonical
   * request and string-to-sign, to compare with what AWS says it expected in a
   * `SignatureDoesNotMatch` answer. The session token is redacted; the secret key never appears.
   * @defaultValue none
   */
  debug?: ((info: SigningDebugInfo) => void) | undefined;
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

/** What the {@link ApigSignerOptions.debug} hook receives for each signed request. */
export interface SigningDebugInfo {
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
   * `false` sends this request without a signature. It cannot sign a host outside `hosts`.
   * @defaultValue `true`
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

const MAX_EXPIRES_IN = 604_800;
const DEFAULT_EXPIRES_IN = 300;
const DEFAULT_CREDENTIALS_TIMEOUT_MS = 30_000;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

const METHODS_WITH_DEFAULT_CONTENT_TYPE = new Set(['post', 'put', 'patch']);

function assertOptionalString(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    throw new ConfigurationError('ERR_CONFIGURATION', `${name} must be a non-empty string.`);
  }
}

function validateOptions(options: ApigSignerOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'apigSigner(options): options must be an object.',
    );
  }
  assertOptionalString(options.region, 'region');
  assertOptionalString(options.service, 'service');
  for (const name of ['signQuery', 'unsignedPayload'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new ConfigurationError('ERR_CONFIGURATION', `${name} must be true or false.`);
    }
  }
  const { credentialsTimeoutMs } = options;
  if (
    credentialsTimeoutMs !== undefined &&
    !(Number.isFinite(credentialsTimeoutMs) && credentialsTimeoutMs > 0)
  ) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'credentialsTimeoutMs must be a positive number of milliseconds.',
    );
  }
  if (options.debug !== undefined && typeof options.debug !== 'function') {
    throw new ConfigurationError('ERR_CONFIGURATION', 'debug must be a function.');
  }
  assertSha256Option(options.sha256, 'apigSigner(options)');
  const { expiresIn } = options;
  if (
    expiresIn !== undefined &&
    !(Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn <= MAX_EXPIRES_IN)
  ) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (one week).`,
    );
  }
}

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

/** Resolves credentials, failing after `timeoutMs` so a hung strategy cannot hang a request. */
async function credentialsWithin(
  provider: CredentialsProvider,
  timeoutMs: number,
): Promise<Credentials> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new CredentialsError(
          'ERR_CREDENTIALS_TIMEOUT',
          `The credentials strategy did not answer within ${timeoutMs} ms; the request was not sent. Check the strategy's network access, or raise \`credentialsTimeoutMs\`.`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([provider(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The signer's own redirect hook: see `protectRedirects`. */
type RedirectHook = ((...args: unknown[]) => void) & { userHook: unknown };

const hostKey = (protocol: string, hostname: string, port: string): string =>
  `${hostname.replace(/^\[|\]$/g, '').toLowerCase()}:${port || (DEFAULT_PORTS[protocol] ?? '')}`;

/**
 * axios's Node redirect follower strips `Authorization` (and cookies) when a redirect leaves the
 * host, but not `X-Amz-Security-Token`: a redirect must never hand a session token to another
 * host. The hook strips the signer's headers from a redirect away from `signedFor` (a `hostKey`),
 * then calls the caller's own `beforeRedirect`, if any.
 */
function redirectHook(signedFor: string, userHook: unknown): RedirectHook {
  const hook = (...args: unknown[]) => {
    const options = args[0] as {
      protocol?: string;
      hostname?: string;
      port?: string | number;
      headers?: Record<string, unknown>;
    };
    const target = hostKey(
      options.protocol ?? '',
      options.hostname ?? '',
      String(options.port ?? ''),
    );
    if (target !== signedFor && options.headers !== undefined) {
      for (const name of Object.keys(options.headers)) {
        // The redirect's own header bag, handed to us to edit.
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
        if (SIGNER_HEADERS.includes(name.toLowerCase())) delete options.headers[name];
      }
    }
    if (typeof userHook === 'function') (userHook as (...a: unknown[]) => void)(...args);
  };
  return Object.assign(hook, { userHook });
}

/** The caller's own `beforeRedirect`, however often the config has been signed. */
function userRedirectHook(config: InternalAxiosRequestConfig): unknown {
  const existing = config.beforeRedirect as Partial<RedirectHook> | undefined;
  return existing !== undefined && 'userHook' in existing ? existing.userHook : existing;
}

/** Replaces every occurrence of the session token (raw and URI-encoded) for the debug hook. */
function redact(text: string, token: string | undefined): string {
  if (!token) return text;
  return text.split(token).join('<redacted>').split(encodeRfc3986(token)).join('<redacted>');
}

/** Builds one signer: the request interceptor and the state its response side can adjust. */
export function createSigner(options: ApigSignerOptions = {}): {
  interceptor: ApigSignerInterceptor;
  state: SignerState;
} {
  validateOptions(options);
  const state: SignerState = {
    clockOffsetMs: 0,
    credentials: memoizedStrategy(
      options.credentials === undefined ? fromEnv() : options.credentials,
    ),
  };
  const hostMatches = createHostMatcher(options.hosts);
  // Apps call few origins: remember each one's verdict, scope and redirect hook, not per request.
  const hosts = new Map<
    string,
    {
      allowed: boolean;
      scope: ReturnType<typeof scopeFromHostname>;
      redirectKey: string;
      /** The redirect hook for configs without a `beforeRedirect` of their own. */
      redirectHook: RedirectHook;
    }
  >();
  const hostInfo = (url: URL) => {
    const origin = `${url.protocol}//${url.host}`;
    let info = hosts.get(origin);
    if (info === undefined) {
      if (hosts.size >= 256) hosts.clear();
      const redirectKey = hostKey(url.protocol, url.hostname, url.port);
      info = {
        allowed: hostMatches(url.hostname, url.host),
        scope: scopeFromHostname(url.hostname),
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

  const interceptor: ApigSignerInterceptor = async function apigSignerInterceptor(config) {
    const perRequest = config.apigSigner;
    if (perRequest?.sign === false) return config;

    const target = resolveTarget(config);
    const { url } = target;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return config;
    const host = hostInfo(url);
    if (!host.allowed) return config;

    if (config.auth || url.username || url.password) {
      throw new SigningError(
        'ERR_BASIC_AUTH',
        `The request to ${url.host} sets HTTP Basic auth (\`auth\` or credentials in the URL), which would replace the SigV4 signature: remove it, or turn signing off for this request with \`apigSigner: { sign: false }\`.`,
      );
    }
    assertOptionalString(perRequest?.region, 'apigSigner.region');
    assertOptionalString(perRequest?.service, 'apigSigner.service');
    const hostScope = host.scope;
    const region = perRequest?.region ?? options.region ?? hostScope?.region;
    if (region === undefined) {
      throw new ConfigurationError(
        'ERR_NO_REGION',
        `No region for host ${url.host}: its region cannot be read off the name. Set \`region\` in apigSigner() options (or per request under \`apigSigner\`).`,
      );
    }
    const service = perRequest?.service ?? options.service ?? hostScope?.service ?? 'execute-api';

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

    const credentials =
      state.credentials.peek() ??
      (await credentialsWithin(state.credentials, credentialsTimeoutMs));
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
              method: method.toUpperCase(),
              url: redact(`${url.protocol}//${url.host}${target.path}`, token),
              region,
              service,
              signingDate,
              canonicalRequest: redact(canonicalRequest, token),
              stringToSign,
            });
          },
    );

    for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value);
    config.url = `${url.protocol}//${url.host}${target.path}${signed.search ? `?${signed.search}` : ''}`;
    config.params = undefined;
    config.allowAbsoluteUrls = true;
    config.data = body.send;
    config.transformRequest = [];
    const userHook = userRedirectHook(config);
    config.beforeRedirect = (
      userHook === undefined ? host.redirectHook : redirectHook(host.redirectKey, userHook)
    ) as NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;
    return config;
  };
  return { interceptor, state };
}
