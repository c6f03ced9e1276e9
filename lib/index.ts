/**
 * Sign axios requests to AWS API Gateway (IAM auth) with SigV4: the interceptor
 * ({@link apigSigner}, {@link attachApigSigner}), credentials strategies, and signing for other
 * clients ({@link signRequest}, {@link presignUrl}).
 *
 * @module apig-signer
 */
export { apigSigner } from './axios/apigSigner';
export type {
  ApigSignerOptions,
  ApigSignerRequestOptions,
  ApigSignerInterceptor,
  SigningDebugInfo,
  SkippedRequestInfo,
  SkipReason,
  ApigSignerDebugEvent,
} from './axios/apigSigner';
export { attachApigSigner } from './axios/attachApigSigner';
export type { AttachedApigSigner } from './axios/attachApigSigner';
export { signRequest } from './signing/signRequest';
export type { SignRequestInput, SignedRequest } from './signing/signRequest';
export { presignUrl } from './signing/presign';
export type { PresignUrlInput } from './signing/presign';
export { fromStatic } from './credentials/fromStatic';
export type { StaticCredentialsInit } from './credentials/fromStatic';
export { fromEnv } from './credentials/fromEnv';
export { chain } from './credentials/chain';
export { memoize, memoizeOwn } from './credentials/memoize';
export type {
  MemoizeOptions,
  MemoizedCredentialsProvider,
  CredentialsRequest,
} from './credentials/memoize';
export type { Credentials, CredentialsProvider } from './credentials/types';
export type { HostPattern } from './signing/endpoint';
export { ApigSignerError, ConfigurationError, SigningError, CredentialsError } from './errors';
export type { ApigSignerErrorCode } from './errors';
export type { Sha256Constructor, Sha256Hash } from './signing/sha256';
