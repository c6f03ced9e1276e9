import { hmacSha256 } from '../signing/sha256';
import type { Sha256Constructor } from '../signing/sha256';
import { toBase64, utf8 } from './bytes';
import type { Transport } from './transport';

/** `InitiateAuth`'s and `RespondToAuthChallenge`'s answer: tokens, or the next challenge. */
export interface AuthAnswer {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  /** `USER_AUTH`'s `SELECT_CHALLENGE`: the first factors the user may choose. */
  AvailableChallenges?: string[];
  AuthenticationResult?: {
    IdToken?: string;
    AccessToken?: string;
    RefreshToken?: string;
    /** A device the pool tracks and does not know yet: confirm it to remember it. */
    NewDeviceMetadata?: { DeviceKey?: string; DeviceGroupKey?: string };
  };
}

/** Where a confirmation code was sent, as Cognito reports it. */
export interface CodeDeliveryDetails {
  Destination?: string;
  DeliveryMedium?: string;
  AttributeName?: string;
}

/**
 * The user pool API (`AWSCognitoIdentityProviderService`), one function per operation, each
 * adding the app client id and, when the client has a secret, its `SECRET_HASH`. Failures
 * reject as the transport's: a `CognitoFailure` (Cognito's error type and words) or, after the
 * retries, a `CognitoServiceError`; callers turn them into typed errors for their flow.
 */
export interface UserPoolClient {
  /** `InitiateAuth`: starts a sign-in, or renews tokens (`REFRESH_TOKEN_AUTH`). */
  initiateAuth(
    what: string,
    flow:
      'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH' | 'CUSTOM_AUTH' | 'USER_AUTH',
    parameters: Record<string, string>,
    username: string,
  ): Promise<AuthAnswer>;
  /** `RespondToAuthChallenge`: answers a challenge of a sign-in under way. */
  respondToAuthChallenge(
    name: string,
    session: string | undefined,
    responses: Record<string, string>,
    username: string,
  ): Promise<AuthAnswer>;
  /** `ForgotPassword`: has Cognito send a reset code. */
  forgotPassword(username: string): Promise<CodeDeliveryDetails>;
  /** `ConfirmForgotPassword`: sets a new password with the code. */
  confirmForgotPassword(username: string, code: string, password: string): Promise<void>;
  /** `GlobalSignOut`: revokes every refresh token of the access token's user. */
  globalSignOut(accessToken: string): Promise<void>;
  /**
   * Whether the user pool exists, by its public key set (`GET /{userPoolId}/.well-known/jwks.json`,
   * which answers 404 for a pool that does not): `false` only on that clear answer, `undefined`
   * when it cannot be told (no answer, another status).
   */
  userPoolExists(userPoolId: string): Promise<boolean | undefined>;
}

export interface UserPoolClientOptions {
  transport: Transport;
  /** How long the user-pool check may take, in milliseconds. */
  timeoutMs?: number;
  endpoint: string;
  clientId: string;
  clientSecret?: string | undefined;
  sha256?: Sha256Constructor | undefined;
}

/**
 * `SECRET_HASH` = base64(HMAC-SHA256(clientSecret, username ‖ clientId)), or `undefined` for
 * an app client without a secret.
 */
export async function secretHash(
  clientSecret: string | undefined,
  username: string,
  clientId: string,
  sha256?: Sha256Constructor,
): Promise<string | undefined> {
  if (clientSecret === undefined) return undefined;
  return toBase64(await hmacSha256(utf8(clientSecret), `${username}${clientId}`, sha256));
}

export function createUserPoolClient(options: UserPoolClientOptions): UserPoolClient {
  const { transport, endpoint, clientId, clientSecret, sha256 } = options;
  const call = (what: string, operation: string, body: Record<string, unknown>) =>
    transport.call(what, endpoint, `AWSCognitoIdentityProviderService.${operation}`, body);
  const hashOf = (username: string) => secretHash(clientSecret, username, clientId, sha256);
  const withHash = async (parameters: Record<string, string>, username: string) => {
    const hash = await hashOf(username);
    return hash === undefined ? parameters : { ...parameters, SECRET_HASH: hash };
  };

  return {
    async initiateAuth(what, flow, parameters, username) {
      return call(what, 'InitiateAuth', {
        ClientId: clientId,
        AuthFlow: flow,
        AuthParameters: await withHash(parameters, username),
      });
    },

    async respondToAuthChallenge(name, session, responses, username) {
      return call('Signing in', 'RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: name,
        ChallengeResponses: await withHash(responses, username),
        ...(session === undefined ? {} : { Session: session }),
      });
    },

    async forgotPassword(username) {
      const hash = await hashOf(username);
      const answer = await call('Asking for a password reset code', 'ForgotPassword', {
        ClientId: clientId,
        Username: username,
        ...(hash === undefined ? {} : { SecretHash: hash }),
      });
      const details = answer['CodeDeliveryDetails'];
      return typeof details === 'object' && details !== null ? details : {};
    },

    async confirmForgotPassword(username, code, password) {
      const hash = await hashOf(username);
      await call('Setting the new password', 'ConfirmForgotPassword', {
        ClientId: clientId,
        Username: username,
        ConfirmationCode: code,
        Password: password,
        ...(hash === undefined ? {} : { SecretHash: hash }),
      });
    },

    async globalSignOut(accessToken) {
      await call('Signing out on every device', 'GlobalSignOut', { AccessToken: accessToken });
    },

    async userPoolExists(userPoolId) {
      try {
        const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
        const url = new URL(`${encodeURIComponent(userPoolId)}/.well-known/jwks.json`, base);
        const response = await fetch(url, {
          signal: AbortSignal.timeout(options.timeoutMs ?? 8000),
        });
        await response.body?.cancel();
        if (response.status === 404) return false;
        return response.ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
