import type { Sha256Constructor } from '../signing/sha256';
import type { Transport } from './transport';
import { secretHash } from './userPoolClient';

/** `[{ Name, Value }]`: how Cognito sends and takes user attributes. */
export type AttributeList = Array<{ Name?: string; Value?: string }>;

/** `SetUserMFAPreference`'s settings for one method. */
export interface MfaSettings {
  Enabled: boolean;
  PreferredMfa: boolean;
}

/**
 * The user pool's account operations (`AWSCognitoIdentityProviderService`: SignUp,
 * ChangePassword, GetUser, ConfirmDevice, RevokeToken, …) beside {@link UserPoolClient}'s
 * sign-in ones: the same transport (timeout, bounded retries). Each call names its operation and
 * Cognito's request body; `T` is the answer's shape as Cognito documents it (the flows check
 * every field they read). Failures reject as the transport's; the flows turn them into typed
 * errors.
 */
export interface AccountClient {
  /** An operation as it is (`RevokeToken`). */
  call<T = Record<string, unknown>>(operation: string, body: Record<string, unknown>): Promise<T>;
  /** An operation that names a user: adds the app client id, `Username` and its `SecretHash`. */
  byName<T = Record<string, unknown>>(
    operation: string,
    username: string,
    body: Record<string, unknown>,
  ): Promise<T>;
  /**
   * An operation of the signed-in user, by access token; or, for `AssociateSoftwareToken` and
   * `VerifySoftwareToken` inside a sign-in (`MFA_SETUP`), by the sign-in's `Session`.
   */
  byToken<T = Record<string, unknown>>(
    operation: string,
    by: string | { Session: string },
    body?: Record<string, unknown>,
  ): Promise<T>;
}

export interface AccountClientOptions {
  transport: Transport;
  endpoint: string;
  clientId: string;
  clientSecret?: string | undefined;
  sha256?: Sha256Constructor | undefined;
}

export function createAccountClient(options: AccountClientOptions): AccountClient {
  const { transport, endpoint, clientId, clientSecret, sha256 } = options;
  /** One operation (its name is what errors say failed); the body is Cognito's request. */
  const call = <T>(operation: string, body: Record<string, unknown>) =>
    transport.call(
      operation,
      endpoint,
      `AWSCognitoIdentityProviderService.${operation}`,
      body,
    ) as Promise<T>;

  return {
    call,
    async byName(operation, username, body) {
      const hash = await secretHash(clientSecret, username, clientId, sha256);
      return call(operation, {
        ...body,
        ClientId: clientId,
        Username: username,
        ...(hash === undefined ? {} : { SecretHash: hash }),
      });
    },
    byToken: (operation, by, body) =>
      call(operation, { ...body, ...(typeof by === 'string' ? { AccessToken: by } : by) }),
  };
}
