export { apigSigner } from './axios/apigSigner';
export type {
  ApigSignerOptions,
  ApigSignerRequestOptions,
  ApigSignerInterceptor,
  SigningDebugInfo,
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
export { memoize } from './credentials/memoize';
export type { MemoizeOptions, MemoizedCredentialsProvider } from './credentials/memoize';
export type { Credentials, CredentialsProvider } from './credentials/types';
export type { HostPattern } from './signing/endpoint';
export { ApigSignerError, ConfigurationError, SigningError, CredentialsError } from './errors';
export type { ApigSignerErrorCode } from './errors';
export type { Sha256Constructor, Sha256Hash } from './signing/sha256';
