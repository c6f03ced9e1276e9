import { AxiosHeaders } from 'axios';
import type { AxiosResponse } from 'axios';

import { SigningError } from '../errors';
import { isSendableHeaderValue, isSignedHeader } from '../signing/headers';
import { signWireRequest } from '../signing/signer';
import type { Call, Hop } from './call';
import { redactToken } from './debug';
import { untilAborted } from './deadline';

/** A hop as the adapter sends it: the URL with its query, and the headers with the signature. */
export interface WireHop {
  url: string;
  method: string;
  headers: AxiosHeaders;
  data: unknown;
}

/** A step of the dispatch stack: it does one thing and calls `next` once (or, to re-send, twice). */
export type Send<H> = (call: Call, hop: H) => Promise<AxiosResponse>;

/**
 * The headers to sign, from the headers as they will be sent: lower-case names and values,
 * `Host` (set by the caller, Node only) apart.
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
        `Header "${name}" holds a line break, control or non-Latin-1 character: encode it (encodeURIComponent).`,
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

/**
 * Signs each hop that is to be signed, exactly as the adapter below will send it: nothing of
 * the app runs between this step and the adapter. A hop that left the signed origin is sent
 * without a signature.
 */
export const signHop =
  (next: Send<WireHop>): Send<Hop> =>
  async (call, hop) => {
    if (!hop.sign) {
      return next(call, {
        url: hop.url.href,
        method: hop.method,
        headers: hop.headers,
        data: hop.data,
      });
    }
    const origin = `${hop.url.protocol}//${hop.url.host}`;
    const { signer } = call;
    const { state } = signer;
    const headers = new AxiosHeaders(hop.headers);
    const { toSign, host } = headersToSign(headers, hop.data != null);
    // Expiry is judged on the clock AWS keeps, as far as its answers have taught us.
    const request = { clockOffsetMs: state.clockOffsetMs, timeoutMs: signer.credentialsTimeoutMs };
    const credentials =
      state.credentials.peek(request) ??
      (await untilAborted(call.signal, state.credentials(request)));
    call.credentials = credentials;
    const signingDate = new Date(Date.now() + state.clockOffsetMs);
    call.signedAt = signingDate.getTime();
    const { debug } = signer;
    const { region, service } = call;
    // A redirect that drops the body (303) drops its hash too.
    const payloadHash = hop.data == null ? undefined : call.payloadHash;
    const signed = await signWireRequest(
      {
        method: hop.method,
        protocol: hop.url.protocol,
        hostname: hop.url.hostname,
        // A Host header set by the caller (Node only) is what goes on the wire: it is signed.
        host: host ?? hop.url.host,
        path: hop.path,
        query: hop.query,
        headers: toSign,
        body: hop.data == null ? undefined : call.body.sign,
      },
      {
        credentials,
        region,
        service,
        signingDate,
        signQuery: signer.signQuery,
        expiresIn: signer.expiresIn,
        unsignedPayload: signer.unsignedPayload && !payloadHash,
        payloadHash,
        sha256: signer.sha256,
      },
      debug === undefined
        ? undefined
        : ({ canonicalRequest, stringToSign }) => {
            const token = credentials.sessionToken;
            debug({
              event: 'signed',
              method: hop.method,
              url: redactToken(`${origin}${hop.path}`, token),
              region,
              service,
              signingDate,
              canonicalRequest: redactToken(canonicalRequest, token),
              stringToSign,
            });
          },
    );
    for (const name in signed.headers) headers.set(name, signed.headers[name]);
    return next(call, {
      url: `${origin}${hop.path}${signed.search ? `?${signed.search}` : ''}`,
      method: hop.method,
      headers,
      data: hop.data,
    });
  };
