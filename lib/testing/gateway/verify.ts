import { parseAuthorization } from './authorization';
import type { ClaimedAuth } from './authorization';
import { parseAmzDate, formatAmzDate } from './amzDate';
import {
  ALGORITHM,
  UNSIGNED_PAYLOAD,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  sameSignature,
  sha256Hex,
  signatureOf,
  signingKey,
  splitRawQuery,
  trimSpacesAndTabs,
} from './canonical';
import type { GatewayCredentials } from './credentials';
import { headerValues } from './rawRequest';
import type { RawRequest } from './rawRequest';
import { Refusal } from './refusal';
import type { GatewayVerdict } from './verdict';

/** What the verifier holds a request against: its endpoint, clock and keys. */
export interface VerifyPolicy {
  region: string;
  service: string;
  /** The verifier's clock at the time the request arrived. */
  now: Date;
  maxSkewMs: number;
  normalizePath: boolean;
  requireSignedSessionToken: boolean;
  keyFor(accessKeyId: string): GatewayCredentials | undefined;
}

/** The longest `X-Amz-Expires` AWS allows: 7 days. */
const MAX_EXPIRES_SECONDS = 604_800;

/**
 * Judges a request's SigV4 signature the way AWS does, in the order AWS checks: the claimed
 * auth, its scope, its signed-header list, its time, the key and token it names, the payload,
 * then the signature over the canonical request rebuilt from what was received. Pure: the
 * same request and policy always give the same verdict.
 */
export function judge(request: RawRequest, policy: VerifyPolicy): GatewayVerdict {
  try {
    return verify(request, policy);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return {
      ...error.details,
      accepted: false,
      status: error.status,
      errorType: error.errorType,
      message: error.message,
    };
  }
}

function verify(request: RawRequest, policy: VerifyPolicy): GatewayVerdict {
  const auth = parseAuthorization(request);
  const seen: Partial<GatewayVerdict> = {
    authMode: auth.mode,
    accessKeyId: auth.accessKeyId,
    signedHeaders: auth.signedHeaders,
  };
  checkScope(auth, policy, seen);
  const signedAt = checkDate(auth, seen);
  checkSignedHeaderList(auth, seen);
  checkTimeWindow(auth, signedAt, policy, seen);
  const key = checkKey(request, auth, policy, seen);
  const payloadHash = payloadHashOf(request, auth, seen);
  const { canonicalRequest, stringToSign, sessionTokenSigned } = checkSignature(
    request,
    auth,
    key,
    payloadHash,
    policy,
    seen,
  );
  const details = { ...seen, canonicalRequest, stringToSign };
  if (key.token !== undefined && policy.requireSignedSessionToken && !sessionTokenSigned) {
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
    ...(key.token === undefined ? {} : { sessionTokenSigned }),
  };
}

/** The credential scope names this endpoint's region and service. */
function checkScope(auth: ClaimedAuth, policy: VerifyPolicy, seen: Partial<GatewayVerdict>) {
  if (auth.region !== policy.region) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      `Credential should be scoped to a valid region. This endpoint's region is '${policy.region}', not '${auth.region}'.`,
      seen,
    );
  }
  if (auth.service !== policy.service) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${policy.service}'.`,
      seen,
    );
  }
}

/** `X-Amz-Date` is there, well formed, and on the day the scope names. */
function checkDate(auth: ClaimedAuth, seen: Partial<GatewayVerdict>): Date {
  const signedAt = parseAmzDate(auth.amzDate);
  if (signedAt === undefined) {
    throw new Refusal(
      403,
      'IncompleteSignatureException',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      seen,
    );
  }
  if (auth.scopeDate !== auth.amzDate.slice(0, 8)) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
      seen,
    );
  }
  return signedAt;
}

/**
 * `SignedHeaders` is sorted and lower-case, and covers what AWS and every AWS signer (smithy,
 * botocore, aws-c-auth) always sign: `host`, and in header auth the `x-amz-date` header that
 * dates the signature (in query auth `X-Amz-Date` is a query parameter, signed with the query).
 * Without them a captured signature could be replayed to another host or at another time.
 */
function checkSignedHeaderList(auth: ClaimedAuth, seen: Partial<GatewayVerdict>) {
  const names = auth.signedHeaders;
  if (
    names.some((name) => name !== name.toLowerCase()) ||
    names.join(';') !== [...new Set(names)].sort().join(';')
  ) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      'SignedHeaders must be lower-case, sorted and without repeats.',
      seen,
    );
  }
  if (!names.includes('host')) {
    throw new Refusal(
      403,
      'IncompleteSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      seen,
    );
  }
  if (auth.mode === 'header' && !names.includes('x-amz-date')) {
    throw new Refusal(
      403,
      'IncompleteSignatureException',
      "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
      seen,
    );
  }
}

/**
 * How AWS states a time window in its refusals: "5 min.", "15 min."; a window that is not whole
 * minutes (a short `X-Amz-Expires`, a test's `maxSkewMs`) in seconds.
 */
function spanOf(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${Math.ceil(ms / 1000)} sec.`;
}

/**
 * The signing time is within the window, and answered as API Gateway answers when it is not:
 * 403 `InvalidSignatureException` "Signature expired: {X-Amz-Date} is now earlier than
 * {bound} ({now} - 5 min.)" or "Signature not yet current: {X-Amz-Date} is still later than
 * {bound} ({now} + 5 min.)", the server's time stated in the message.
 *
 * Ref: AWS IAM User Guide, "Troubleshoot signed requests for AWS APIs" (the two messages);
 * API Gateway knowledge center "How do I troubleshoot HTTP 403 errors from API Gateway?"
 * (x-amzn-errortype InvalidSignatureException, "Signature expired"). Query auth gets the same
 * answer: a query-signed execute-api URL is refused 5 minutes after its `X-Amz-Date` with
 * `{"message":"Signature expired: 20210330T175821Z is now earlier than 20210330T180403Z
 * (20210330T180903Z - 5 min.)"}`, whatever `X-Amz-Expires` says (Stack Overflow question
 * 66961500, "How to increase expiration time in AWS signature v4 pre-signed links for API
 * Gateway"). The "Request has expired" / `AccessDenied` answer is S3's, not API Gateway's.
 *
 * Header auth: within `maxSkewMs` of the verifier's clock, either way. Query auth: the same,
 * and, stricter than API Gateway, not past a shorter `X-Amz-Expires` (1 s to 7 days), refused
 * with the same type and words, the lifetime in place of the 5 minutes.
 */
function checkTimeWindow(
  auth: ClaimedAuth,
  signedAt: Date,
  policy: VerifyPolicy,
  seen: Partial<GatewayVerdict>,
) {
  const { now, maxSkewMs } = policy;
  let pastWindowMs = maxSkewMs;
  if (auth.mode === 'query') {
    const expires = auth.expires ?? NaN;
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      throw new Refusal(
        403,
        'AuthorizationQueryParametersError',
        'X-Amz-Expires must be from 1 to 604800 seconds.',
        seen,
      );
    }
    pastWindowMs = Math.min(maxSkewMs, expires * 1000);
  }
  const skew = signedAt.getTime() - now.getTime();
  if (skew < -pastWindowMs) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - pastWindowMs))} (${formatAmzDate(now)} - ${spanOf(pastWindowMs)})`,
      seen,
    );
  }
  if (skew > maxSkewMs) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(new Date(now.getTime() + maxSkewMs))} (${formatAmzDate(now)} + ${spanOf(maxSkewMs)})`,
      seen,
    );
  }
}

interface PresentedKey {
  secretAccessKey: string;
  /** The session token presented, if any, and where. */
  token: string | undefined;
  tokenFromHeader: string | undefined;
  tokenFromQuery: string | undefined;
}

/** The access key is known, the session token presented is its own, and it has not expired. */
function checkKey(
  request: RawRequest,
  auth: ClaimedAuth,
  policy: VerifyPolicy,
  seen: Partial<GatewayVerdict>,
): PresentedKey {
  const key = policy.keyFor(auth.accessKeyId);
  const invalid = () =>
    new Refusal(
      403,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      seen,
    );
  if (key === undefined) throw invalid();
  const tokenFromHeader = headerValues(request.headers, 'x-amz-security-token').map(
    trimSpacesAndTabs,
  )[0];
  const tokenFromQuery = request.query.find(([name]) => name === 'X-Amz-Security-Token')?.[1];
  const token = tokenFromHeader ?? tokenFromQuery;
  if ((key.sessionToken ?? undefined) !== token) throw invalid();
  if (key.expiration !== undefined && key.expiration.getTime() <= policy.now.getTime()) {
    throw new Refusal(
      403,
      'ExpiredTokenException',
      'The security token included in the request is expired',
      seen,
    );
  }
  return { secretAccessKey: key.secretAccessKey, token, tokenFromHeader, tokenFromQuery };
}

/**
 * The payload hash of the canonical request: the SHA-256 of the body received. A declared
 * `x-amz-content-sha256` must match it, unless it is a signed `UNSIGNED-PAYLOAD`.
 */
function payloadHashOf(
  request: RawRequest,
  auth: ClaimedAuth,
  seen: Partial<GatewayVerdict>,
): string {
  const payloadHash = sha256Hex(request.body);
  const declared = headerValues(request.headers, 'x-amz-content-sha256').map(trimSpacesAndTabs)[0];
  if (declared === undefined) return payloadHash;
  if (declared === UNSIGNED_PAYLOAD && auth.signedHeaders.includes('x-amz-content-sha256')) {
    return UNSIGNED_PAYLOAD;
  }
  if (declared !== payloadHash) {
    throw new Refusal(
      400,
      'XAmzContentSHA256Mismatch',
      'The provided x-amz-content-sha256 header does not match what was computed.',
      seen,
    );
  }
  return payloadHash;
}

/**
 * Rebuilds the canonical request and string to sign from what was received, and compares the
 * signature they give with the one presented. In query auth `X-Amz-Signature` is left out of
 * the canonical query; in header auth the query is signed as it is, so an `X-Amz-Signature`
 * (or anything else) added to it breaks the signature.
 */
function checkSignature(
  request: RawRequest,
  auth: ClaimedAuth,
  key: PresentedKey,
  payloadHash: string,
  policy: VerifyPolicy,
  seen: Partial<GatewayVerdict>,
): { canonicalRequest: string; stringToSign: string; sessionTokenSigned: boolean } {
  const headers = canonicalHeaders(request.headers, auth.signedHeaders);
  if ('missing' in headers) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      `The request signature we calculated does not match the signature you provided: signed header '${headers.missing}' was not received.`,
      seen,
    );
  }
  const pairs = splitRawQuery(request.rawQuery);
  const scope = `${auth.scopeDate}/${policy.region}/${policy.service}/aws4_request`;
  const kSigning = signingKey(key.secretAccessKey, auth.scopeDate, policy.region, policy.service);
  const attempt = (omit: ReadonlySet<string>) => {
    const canonicalRequest = [
      request.method,
      canonicalUri(request.rawPath, policy.normalizePath),
      canonicalQuery(pairs, omit),
      headers.text,
      auth.signedHeaders.join(';'),
      payloadHash,
    ].join('\n');
    const stringToSign = [ALGORITHM, auth.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const ok = sameSignature(signatureOf(kSigning, stringToSign), auth.signature);
    return { canonicalRequest, stringToSign, ok };
  };
  const omitted = auth.mode === 'query' ? ['X-Amz-Signature'] : [];
  let result = attempt(new Set(omitted));
  // A token in a header is signed when SignedHeaders names it; one in the query is signed with
  // the rest of the query.
  let sessionTokenSigned =
    key.tokenFromHeader !== undefined
      ? auth.signedHeaders.includes('x-amz-security-token')
      : key.tokenFromQuery !== undefined;
  if (!result.ok && !policy.requireSignedSessionToken && key.tokenFromQuery !== undefined) {
    // A token appended to the query after signing (some AWS services accept it): not covered.
    const retry = attempt(new Set([...omitted, 'X-Amz-Security-Token']));
    if (retry.ok) {
      result = retry;
      sessionTokenSigned = false;
    }
  }
  if (!result.ok) {
    throw new Refusal(
      403,
      'InvalidSignatureException',
      `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${result.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${result.stringToSign}'\n`,
      { ...seen, canonicalRequest: result.canonicalRequest, stringToSign: result.stringToSign },
    );
  }
  return {
    canonicalRequest: result.canonicalRequest,
    stringToSign: result.stringToSign,
    sessionTokenSigned,
  };
}
