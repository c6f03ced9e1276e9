/**
 * AWS credentials: the same shape as the AWS SDK v3 `AwsCredentialIdentity`, so credentials from
 * any SDK provider are accepted as they are.
 *
 * These are plain data by design (other code spreads them); keep them out of logs.
 */
export interface Credentials {
  /** The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones). */
  readonly accessKeyId: string;
  /** The secret access key. Never logged or put in an error message by apig-signer. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials; signed as `X-Amz-Security-Token`. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop working. Absent for long-term keys. */
  readonly expiration?: Date | undefined;
}

/**
 * A credentials strategy: any function that resolves to {@link Credentials}.
 *
 * The same shape as the AWS SDK v3 `AwsCredentialIdentityProvider`, so `fromNodeProviderChain()`,
 * `fromIni()`, `fromCognitoIdentityPool()` and the rest plug in unchanged.
 */
export type CredentialsProvider = () => Promise<Credentials>;
