import { ALGORITHM, trimSpacesAndTabs } from './canonical';
import { headerValues } from './rawRequest';
import type { RawRequest } from './rawRequest';
import { Refusal } from './refusal';

/** What a request claims about its signature, from `Authorization` or the query. */
export interface ClaimedAuth {
  /** `'header'` for `Authorization`, `'query'` for query-string auth (presigned URLs). */
  mode: 'header' | 'query';
  accessKeyId: string;
  /** The scope: date (`YYYYMMDD`), region and service. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** The signing time, `X-Amz-Date` (the header in header auth, the parameter in query auth). */
  amzDate: string;
  /** `X-Amz-Expires` of query auth, in seconds. */
  expires?: number;
}

/**
 * Reads the claimed signature: the `Authorization` header when there is one (header auth), else
 * the `X-Amz-*` query parameters (query auth), else the request is not signed at all.
 */
export function parseAuthorization(request: RawRequest): ClaimedAuth {
  const authorization = headerValues(request.headers, 'authorization')[0];
  if (authorization !== undefined) return fromHeader(trimSpacesAndTabs(authorization), request);
  const param = (name: string) => request.query.find(([key]) => key === name)?.[1];
  if (param('X-Amz-Algorithm') !== undefined) return fromQuery(param);
  throw new Refusal(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`, dated by `X-Amz-Date`. */
function fromHeader(authorization: string, request: RawRequest): ClaimedAuth {
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
    if (eq > 0)
      fields.set(trimSpacesAndTabs(part.slice(0, eq)), trimSpacesAndTabs(part.slice(eq + 1)));
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
  const amzDate = headerValues(request.headers, 'x-amz-date')[0] ?? '';
  return {
    mode: 'header',
    ...parseCredential(credential),
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate: trimSpacesAndTabs(amzDate),
  };
}

/** `X-Amz-Algorithm`, `-Credential`, `-Date`, `-Expires`, `-SignedHeaders`, `-Signature`. */
function fromQuery(param: (name: string) => string | undefined): ClaimedAuth {
  if (param('X-Amz-Algorithm') !== ALGORITHM) {
    throw new Refusal(403, 'IncompleteSignatureException', `X-Amz-Algorithm must be ${ALGORITHM}.`);
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

/** `<access key>/<YYYYMMDD>/<region>/<service>/aws4_request` */
function parseCredential(
  credential: string,
): Pick<ClaimedAuth, 'accessKeyId' | 'scopeDate' | 'region' | 'service'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw new Refusal(
      403,
      'IncompleteSignatureException',
      'Credential should be scoped correctly: expected <access key>/<date>/<region>/<service>/aws4_request.',
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = ''] = parts;
  return { accessKeyId, scopeDate, region, service };
}
