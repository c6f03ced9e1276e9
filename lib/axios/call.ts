import { AxiosHeaders } from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';

import type { MemoizedCredentialsProvider } from '../credentials/memoize';
import type { Credentials } from '../credentials/types';
import { ConfigurationError, SigningError } from '../errors';
import { assertScopePart } from '../signing/endpoint';
import type { scopeFromHostname } from '../signing/endpoint';
import { SIGNER_HEADERS } from '../signing/headers';
import { toSignableBody } from '../signing/body';
import type { PreparedBody } from '../signing/body';
import type { Sha256Constructor } from '../signing/sha256';
import type { QueryPairs } from '../signing/uri';
import type { ApigSignerDebugEvent, SkipReason } from './apigSigner';
import type { AppAdapter } from './appAdapter';
import { resolveTarget } from './canonicalize';
import type { RedirectHook } from './serverRedirects';
import { NOT_IN_HOSTS } from './unsignedNotice';

/** What the request and dispatch sides of one signer share. */
export interface SignerState {
  /** Correction added to the device clock, learnt from AWS's answers. */
  clockOffsetMs: number;
  /** The memoised credentials strategy. */
  credentials: MemoizedCredentialsProvider;
}

/** What the signer remembers of one origin: apps call few, so not worked out per request. */
export interface HostInfo {
  origin: string;
  allowed: boolean;
  /** An AWS endpoint host over plain http: refused, never signed. */
  insecure: boolean;
  scope: ReturnType<typeof scopeFromHostname>;
  /** The redirect hook of the http adapter for calls without a `beforeRedirect` of their own. */
  redirectHook: RedirectHook;
  redirectKey: string;
}

/** One signer: its options, resolved once, and its state. */
export interface Signer {
  state: SignerState;
  region: string | undefined;
  service: string | undefined;
  signQuery: boolean;
  unsignedPayload: boolean;
  expiresIn: number;
  credentialsTimeoutMs: number;
  sha256: Sha256Constructor | undefined;
  debug: ((info: ApigSignerDebugEvent) => void) | undefined;
  hostInfo(url: URL): HostInfo;
  /** Tells the debug hook why a request goes out unsigned. */
  skip(config: InternalAxiosRequestConfig, reason: SkipReason, url?: URL): void;
}

/** One request on the wire, before signing: where the redirect follower and recovery start over. */
export interface Hop {
  url: URL;
  /** The path as it goes on the wire. */
  path: string;
  /** Decoded query pairs, presign parameters removed. */
  query: QueryPairs;
  /** Upper-case. */
  method: string;
  /** The headers to send, without any signer header. */
  headers: AxiosHeaders;
  /** The body to send (already the signed form: bytes, a string or a stream). */
  data: unknown;
  /** Whether this hop is signed: false once a redirect left the signed origin. */
  sign: boolean;
}

/**
 * Everything about one call, made once at dispatch and passed down: never read again from an
 * axios config that others may have changed.
 */
export interface Call {
  signer: Signer;
  /** The config axios dispatched: what the caller's answer and errors carry. */
  config: InternalAxiosRequestConfig;
  app: AppAdapter;
  host: HostInfo;
  region: string;
  service: string;
  body: PreparedBody;
  /** The caller's hash of a stream body (`apigSigner.payloadHash`), checked. */
  payloadHash: string | undefined;
  /** The first hop: the request as the app built it. */
  first: Hop;
  /** The credentials the latest hop was signed with: the ones to drop when AWS refuses them. */
  credentials: Credentials | undefined;
  /** When the latest hop was signed, on the signer's clock: what AWS's `Date` is judged against. */
  signedAt?: number;
  /** Aborted by the caller's signal or CancelToken, or at the call's deadline. */
  signal: AbortSignal | undefined;
}

/** Streams this process has sent: a stream can be read once, so it is never signed again. */
export const sentStreams = new WeakSet<object>();

/** Whether a stream body has been read already (Node's stream flags; a web stream's lock). */
function alreadyRead(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  if (sentStreams.has(data)) return true;
  const stream = data as {
    readableDidRead?: boolean;
    readableEnded?: boolean;
    destroyed?: boolean;
    locked?: boolean;
  };
  return (
    stream.readableDidRead === true ||
    stream.readableEnded === true ||
    stream.destroyed === true ||
    stream.locked === true
  );
}

/**
 * The call the dispatcher makes of a config, or `undefined` for a request it leaves to the app's
 * adapter untouched (`sign: false`, not http(s), a host outside `hosts`).
 *
 * @throws ConfigurationError or SigningError, before any network I/O, for a request that asks to
 * be signed and cannot be.
 */
export function callOf(
  signer: Signer,
  config: InternalAxiosRequestConfig,
  app: AppAdapter,
): Call | undefined | Promise<Call> {
  const perRequest = config.apigSigner;
  if (perRequest?.sign === false) {
    signer.skip(config, 'sign-false');
    return undefined;
  }

  const target = resolveTarget(config);
  const { url } = target;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    signer.skip(config, 'not-http');
    return undefined;
  }
  const host = signer.hostInfo(url);
  if (!host.allowed) {
    if (perRequest?.sign !== true) {
      signer.skip(config, 'host-not-allowed', url);
      return undefined;
    }
    throw new ConfigurationError(
      'ERR_HOST_NOT_ALLOWED',
      `The request asks to be signed (\`sign: true\`), but ${url.host} ${NOT_IN_HOSTS}`,
    );
  }
  if (host.insecure) {
    throw new SigningError(
      'ERR_INSECURE_URL',
      `Refusing to sign http://${url.host}: the signature and session token would travel in clear text. Use https://.`,
    );
  }
  if (config.auth || url.username || url.password) {
    throw new SigningError(
      'ERR_BASIC_AUTH',
      `The request to ${url.host} sets HTTP Basic auth (\`auth\` or URL credentials), which would replace the signature: remove it, or set \`apigSigner: { sign: false }\`.`,
    );
  }
  assertScopePart(perRequest?.region, 'region', 'apigSigner.region');
  assertScopePart(perRequest?.service, 'service', 'apigSigner.service');
  const region = perRequest?.region ?? signer.region ?? host.scope?.region;
  if (region === undefined) {
    throw new ConfigurationError(
      'ERR_NO_REGION',
      `No region for host ${url.host}: set \`region\` in apigSigner() options (or per request under \`apigSigner\`).`,
    );
  }
  const service = perRequest?.service ?? signer.service ?? host.scope?.service ?? 'execute-api';
  const method = (config.method ?? 'get').toUpperCase();

  // A copy: the caller's config keeps its own headers, so a re-send (axios-retry) starts from
  // them and an error's config never shows a signature or session token.
  const headers = new AxiosHeaders(config.headers);
  for (const name of SIGNER_HEADERS) headers.delete(name);
  headers.delete('content-length');

  const payloadHash = perRequest?.payloadHash;
  const make = (body: PreparedBody): Call => {
    if (payloadHash !== undefined && !(body.stream && /^[0-9a-f]{64}$/.test(payloadHash))) {
      throw new SigningError(
        'ERR_PAYLOAD_HASH',
        '`apigSigner.payloadHash` must be the SHA-256 of a stream body, in lower-case hex.',
      );
    }
    if (body.stream) {
      if (!signer.unsignedPayload && !payloadHash) {
        throw new SigningError(
          'ERR_STREAM_BODY',
          `A stream body cannot be hashed for ${method} ${url.host}${url.pathname}: send a Buffer, string or Blob, or sign with \`unsignedPayload: true\` if the service allows it.`,
        );
      }
      if (alreadyRead(body.send)) {
        throw new SigningError(
          'ERR_BODY_NOT_REPLAYABLE',
          `The stream body of ${method} ${url.host}${url.pathname} was read by an earlier attempt; nothing was sent. Retry with a new stream, or send a Buffer, string or Blob.`,
        );
      }
    }
    return {
      signer,
      config,
      app,
      host,
      region,
      service,
      body,
      payloadHash,
      first: {
        url,
        path: target.path,
        query: target.query,
        method,
        headers,
        data: body.send,
        sign: true,
      },
      credentials: undefined,
      signal: undefined,
    };
  };
  const body = toSignableBody(config.data, {
    get: () => {
      const value = headers.getContentType();
      return typeof value === 'string' ? value : undefined;
    },
    set: (value) => {
      headers.setContentType(value);
    },
  });
  // A thenable, not `instanceof Promise`: a Blob's promise may come from another realm.
  return 'then' in body ? body.then(make) : make(body);
}
