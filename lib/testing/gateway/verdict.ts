/** The gateway's (or {@link verifySigV4}'s) judgement of a request's signature. */
export interface GatewayVerdict {
  /** Whether the signature (and everything checked before it) was accepted. */
  accepted: boolean;
  /**
   * The HTTP status API Gateway answers with: 200 when accepted (204 for a CORS preflight the
   * gateway answered), 403 or 400 for a refusal.
   */
  status: number;
  /** `x-amzn-ErrorType` of a refusal, such as `InvalidSignatureException`. */
  errorType?: string;
  /** Why the request was refused, worded as AWS words it. */
  message?: string;
  /** `'header'` for `Authorization`, `'query'` for query-string auth. */
  authMode?: 'header' | 'query';
  /** The access key id the request named. */
  accessKeyId?: string;
  /** Header names the signature covers. */
  signedHeaders?: string[];
  /** Whether a presented session token was covered by the signature. */
  sessionTokenSigned?: boolean;
  /** The canonical request computed from what was received (once the checks got that far). */
  canonicalRequest?: string;
  /** The string to sign computed from what was received. */
  stringToSign?: string;
}
