/** A key pair the gateway (or {@link verifySigV4}) knows. */
export interface GatewayCredentials {
  /** The access key id requests name in their credential scope. */
  accessKeyId: string;
  /** The secret the gateway verifies signatures with. */
  secretAccessKey: string;
  /** When set, requests signed with this key must present this token. */
  sessionToken?: string | undefined;
  /** After this instant, requests with this key get 403 `ExpiredTokenException`. */
  expiration?: Date | undefined;
}

/**
 * The key pair a gateway accepts when no `credentials` option is given (the AWS documentation's
 * example keys).
 *
 * @example
 * ```ts
 * import { apigSigner } from 'apig-signer';
 * import { DEFAULT_GATEWAY_CREDENTIALS, startSigV4Gateway } from 'apig-signer/testing';
 *
 * const gateway = await startSigV4Gateway();
 * const interceptor = apigSigner({
 *   credentials: DEFAULT_GATEWAY_CREDENTIALS,
 *   region: 'us-east-1',
 *   hosts: ['127.0.0.1'],
 * });
 * ```
 */
export const DEFAULT_GATEWAY_CREDENTIALS: Readonly<GatewayCredentials> = Object.freeze({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
});
