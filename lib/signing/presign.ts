import type { Credentials, CredentialsProvider } from '../credentials/types';
import { ConfigurationError } from '../errors';
import { assertKnownKeys } from '../options/knownKeys';
import type { Sha256Constructor } from './sha256';
import { isRequest, signStandalone } from './signRequest';

/** What {@link presignUrl} signs. */
export interface PresignUrlInput {
  /** The absolute URL: `wss://…` for an API Gateway WebSocket API, or `https://…`. */
  url: string | URL;
  /** A credentials strategy or plain credentials. */
  credentials: CredentialsProvider | Credentials;
  /**
   * The region.
   * @defaultValue read off AWS endpoint host names; required for other hosts
   */
  region?: string | undefined;
  /**
   * The service.
   * @defaultValue read off AWS endpoint host names, otherwise `execute-api`
   */
  service?: string | undefined;
  /**
   * Seconds the URL stays valid (1 to 604800), sent as `X-Amz-Expires`. API Gateway was seen to
   * hold query-signed requests to the same 5 minutes either side of the signing time as header
   * auth, whatever this says: a longer lifetime does not make a URL last longer there, and past
   * its window it answers 403 `InvalidSignatureException` "Signature expired".
   * @defaultValue `300`
   */
  expiresIn?: number | undefined;
  /**
   * The signing time, for a corrected clock.
   * @defaultValue now
   */
  signingDate?: Date | undefined;
  /**
   * How long to wait for the credentials strategy before failing with `ERR_CREDENTIALS_TIMEOUT`,
   * in milliseconds (1 to 2147483647).
   * @defaultValue `30000`
   */
  credentialsTimeoutMs?: number | undefined;
  /**
   * A SHA-256 hash constructor in the AWS SDK's shape, used instead of the platform's crypto:
   * needed where there is none (React Native; pages on plain http), e.g. `Sha256` from
   * `@aws-crypto/sha256-js`.
   * @defaultValue node:crypto, else WebCrypto
   */
  sha256?: Sha256Constructor | undefined;
}

/**
 * Signs a URL with query-string auth (`X-Amz-Signature` and friends in the query): for the
 * `$connect` URL of an API Gateway WebSocket API with IAM auth, or for a link. The query already
 * in the URL is kept; the path and query are written in the form that was signed.
 *
 * @param input - the URL, credentials, and optionally region, service and lifetime.
 * @returns the signed URL.
 * Every input is checked before the credentials strategy is called.
 *
 * @throws {@link ConfigurationError} (`ERR_INVALID_URL`, also for a fetch `Request`: pass
 * `request.url`; `ERR_NO_REGION`; `ERR_CONFIGURATION` for `expiresIn`, `sha256`, `signingDate`,
 * the region, service or timeout), {@link SigningError}
 * (`ERR_INSECURE_URL` for `ws://` or `http://` to an AWS endpoint, `ERR_NO_CRYPTO`) or
 * {@link CredentialsError} (`ERR_CREDENTIALS_TIMEOUT`).
 *
 * @example
 * ```ts
 * import { presignUrl } from 'apig-signer';
 *
 * const url = await presignUrl({
 *   url: 'wss://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod?room=lobby',
 *   credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
 *   expiresIn: 60,
 * });
 * const socket = new WebSocket(url);
 * ```
 */
export async function presignUrl(input: PresignUrlInput): Promise<string> {
  if (isRequest(input.url)) {
    throw new ConfigurationError(
      'ERR_INVALID_URL',
      'presignUrl(): `url` is a Request; pass its URL (`request.url`): a presigned URL is a GET that carries no method, headers or body of its own.',
    );
  }
  assertKnownKeys(input, Object.keys(PRESIGN_URL_KEYS), 'presignUrl(input)');
  const signed = await signStandalone({
    method: 'GET',
    url: input.url,
    credentials: input.credentials,
    region: input.region,
    service: input.service,
    expiresIn: input.expiresIn,
    signingDate: input.signingDate,
    credentialsTimeoutMs: input.credentialsTimeoutMs,
    signQuery: true,
    sha256: input.sha256,
  });
  return signed.url;
}

/** Every key of {@link PresignUrlInput}: the type makes sure none is missing. */
const PRESIGN_URL_KEYS: Record<keyof PresignUrlInput, 0> = {
  url: 0,
  credentials: 0,
  region: 0,
  service: 0,
  expiresIn: 0,
  signingDate: 0,
  credentialsTimeoutMs: 0,
  sha256: 0,
};
