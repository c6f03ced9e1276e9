import { Sha256 } from '@aws-crypto/sha256-universal';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';

import { SigningError } from '../errors';
import type { Credentials } from '../credentials/types';
import type { QueryPairs } from './uri';

/** The request exactly as it will go on the wire, in the pieces SigV4 needs. */
export interface WireRequest {
  /** Upper-case method. */
  method: string;
  protocol: string;
  hostname: string;
  /** The `Host` header as it will be sent: `name`, or `name:port` for a non-default port. */
  host: string;
  /** The path as sent (see `toWirePath`). */
  path: string;
  /** Decoded query pairs, in wire order. */
  query: QueryPairs;
  /** The headers to sign, names lower-cased, values as sent; `host` is added by the signer. */
  headers: Record<string, string>;
  /** The body bytes (a string is sent as UTF-8), or `undefined` for none. */
  body: string | Uint8Array | ArrayBuffer | undefined;
}

/** How to sign one request. */
export interface SignParams {
  credentials: Credentials;
  region: string;
  service: string;
  signingDate: Date;
  /** Sign with query parameters instead of the `Authorization` header. */
  signQuery: boolean;
  /** Seconds a query-signed request stays valid. */
  expiresIn: number;
  /** Sign `x-amz-content-sha256: UNSIGNED-PAYLOAD` instead of the body's hash. */
  unsignedPayload: boolean;
}

/** What signing adds to the request: headers to set and query pairs to append. */
export interface SignOutput {
  headers: Record<string, string>;
  query: QueryPairs;
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** Header names as apig-signer writes them back into axios headers. */
const OUTPUT_HEADER_NAMES: Readonly<Record<string, string>> = {
  authorization: 'Authorization',
  'x-amz-date': 'X-Amz-Date',
  'x-amz-security-token': 'X-Amz-Security-Token',
  'x-amz-content-sha256': 'X-Amz-Content-Sha256',
};

/** The query parameters of query-string auth, in the order they are appended. */
const PRESIGN_OUTPUT_ORDER = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
] as const;

function toQueryBag(pairs: QueryPairs): QueryParameterBag {
  const bag: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const existing = Object.prototype.hasOwnProperty.call(bag, name) ? bag[name] : undefined;
    if (existing === undefined) bag[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else bag[name] = [existing, value];
  }
  return bag;
}

/**
 * Signs a wire request with AWS Signature Version 4 (@smithy/signature-v4 with SHA-256 from
 * @aws-crypto, node crypto in Node and WebCrypto in browsers).
 *
 * `applyChecksum` is off: API Gateway's default CORS allow-list lacks `x-amz-content-sha256`.
 * The path is given as sent, so smithy's `uriEscapePath` encodes it once more: the double
 * encoding non-S3 services expect.
 */
export async function signWireRequest(
  wire: WireRequest,
  params: SignParams,
  inspect?: (steps: { canonicalRequest: string; stringToSign: string }) => void,
): Promise<SignOutput> {
  const Signer = inspect === undefined ? SignatureV4 : InspectableSignatureV4;
  const signer = new Signer({
    credentials: {
      accessKeyId: params.credentials.accessKeyId,
      secretAccessKey: params.credentials.secretAccessKey,
      ...(params.credentials.sessionToken ? { sessionToken: params.credentials.sessionToken } : {}),
    },
    region: params.region,
    service: params.service,
    sha256: Sha256,
    applyChecksum: false,
    uriEscapePath: true,
  });
  const headers: Record<string, string> = { ...wire.headers, host: wire.host };
  if (params.unsignedPayload) headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;
  const request: HttpRequest = {
    method: wire.method,
    protocol: wire.protocol,
    hostname: wire.hostname,
    path: wire.path,
    query: toQueryBag(wire.query),
    headers,
    body: wire.body,
  };

  try {
    const output = await sign(signer, wire, request, headers, params);
    if (signer instanceof InspectableSignatureV4 && inspect !== undefined) {
      inspect({ canonicalRequest: signer.canonicalRequest, stringToSign: signer.stringToSign });
    }
    return output;
  } catch (error) {
    if (error instanceof SigningError) throw error;
    throw new SigningError(
      'ERR_SIGNING',
      `SigV4 signing failed for ${wire.method} ${wire.protocol}//${wire.host}: ${
        error instanceof Error ? error.message : 'unknown error'
      }.`,
      { cause: error },
    );
  }
}

async function sign(
  signer: SignatureV4,
  wire: WireRequest,
  request: HttpRequest,
  headers: Record<string, string>,
  params: SignParams,
): Promise<SignOutput> {
  {
    if (params.signQuery) {
      const unhoistable = new Set(Object.keys(headers).filter((name) => name.startsWith('x-amz-')));
      const presigned = await signer.presign(request, {
        signingDate: params.signingDate,
        expiresIn: params.expiresIn,
        unhoistableHeaders: unhoistable,
      });
      const query: QueryPairs = [];
      for (const name of PRESIGN_OUTPUT_ORDER) {
        const value = presigned.query?.[name];
        if (typeof value === 'string') query.push([name, value]);
      }
      const added = params.unsignedPayload
        ? { 'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD }
        : ({} as Record<string, string>);
      return { headers: added, query };
    }

    const signed = await signer.sign(request, { signingDate: params.signingDate });
    const added: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      const outputName = OUTPUT_HEADER_NAMES[name];
      if (outputName !== undefined) added[outputName] = value;
    }
    return { headers: added, query: [] };
  }
}

/**
 * A SignatureV4 that keeps the canonical request and string-to-sign it computed, for the debug
 * hook only (the plain class is used otherwise).
 */
class InspectableSignatureV4 extends SignatureV4 {
  canonicalRequest = '';
  stringToSign = '';

  protected override createCanonicalRequest(
    ...args: Parameters<SignatureV4['createCanonicalRequest']>
  ): string {
    this.canonicalRequest = super.createCanonicalRequest(...args);
    return this.canonicalRequest;
  }

  protected override async createStringToSign(
    ...args: Parameters<SignatureV4['createStringToSign']>
  ): Promise<string> {
    this.stringToSign = await super.createStringToSign(...args);
    return this.stringToSign;
  }
}
