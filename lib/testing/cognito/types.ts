import type { SigV4Gateway } from '../gateway';

/** A user of the emulated user pool. */
export interface EmulatedUser {
  /** The user name signed in with (also `USER_ID_FOR_SRP`). */
  username: string;
  /** The password; the emulator keeps only an SRP verifier and a copy for USER_PASSWORD_AUTH. */
  password: string;
  /** User attributes, such as `email`; they appear in the ID token. */
  attributes?: Record<string, string> | undefined;
  /**
   * Whether the user has confirmed sign-up; an unconfirmed user gets `UserNotConfirmedException`.
   * @defaultValue `true`
   */
  confirmed?: boolean | undefined;
  /**
   * Whether the user is enabled; a disabled user gets `NotAuthorizedException` ("User is
   * disabled.") on sign-in and refresh.
   * @defaultValue `true`
   */
  enabled?: boolean | undefined;
  /**
   * Whether the next sign-in must set a new password (`NEW_PASSWORD_REQUIRED`).
   * @defaultValue `false`
   */
  newPasswordRequired?: boolean | undefined;
  /** Attributes the `NEW_PASSWORD_REQUIRED` challenge asks for, such as `['name']`. */
  requiredAttributes?: string[] | undefined;
  /** An MFA challenge after the password (`EMAIL_OTP`: Cognito's email MFA). */
  mfa?: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP' | undefined;
  /**
   * The code that answers the MFA challenge.
   * @defaultValue `'123456'`
   */
  mfaCode?: string | undefined;
}

/** The user pool's password policy: what a new password (challenge or reset) must have. */
export interface EmulatedPasswordPolicy {
  /**
   * The fewest characters.
   * @defaultValue `8`
   */
  minimumLength?: number | undefined;
  /** At least one upper-case letter. @defaultValue `false` */
  requireUppercase?: boolean | undefined;
  /** At least one lower-case letter. @defaultValue `false` */
  requireLowercase?: boolean | undefined;
  /** At least one digit. @defaultValue `false` */
  requireNumbers?: boolean | undefined;
  /** At least one symbol (neither letter, digit nor space). @defaultValue `false` */
  requireSymbols?: boolean | undefined;
}

/** Options of {@link startCognitoEmulator}. */
export interface CognitoEmulatorOptions {
  /**
   * The port on 127.0.0.1.
   * @defaultValue `0` (a free port)
   */
  port?: number | undefined;
  /**
   * The region in pool ids, token issuers and the identity provider name.
   * @defaultValue `'us-east-1'`
   */
  region?: string | undefined;
  /**
   * The user pool id.
   * @defaultValue `'{region}_Emulated1'`
   */
  userPoolId?: string | undefined;
  /**
   * The app client id (an app client without a secret).
   * @defaultValue `'emulatorappclient0000000000'`
   */
  clientId?: string | undefined;
  /**
   * A client secret for the app client: `InitiateAuth`, `RespondToAuthChallenge` and the
   * password-reset calls must then carry `SECRET_HASH` (base64 HMAC-SHA256 of user name ‖
   * client id), refused as Cognito refuses when it is missing or wrong.
   * @defaultValue none (an app client without a secret)
   */
  clientSecret?: string | undefined;
  /**
   * The identity pool id.
   * @defaultValue `'{region}:00000000-0000-4000-8000-000000000001'`
   */
  identityPoolId?: string | undefined;
  /** Users to create at start. */
  users?: EmulatedUser[] | undefined;
  /**
   * ID and access token lifetime, in seconds.
   * @defaultValue `3600`
   */
  tokenLifetimeSeconds?: number | undefined;
  /**
   * Refresh token lifetime, in seconds.
   * @defaultValue `2592000` (30 days)
   */
  refreshTokenLifetimeSeconds?: number | undefined;
  /**
   * Lifetime of the temporary AWS credentials the identity pool issues, in seconds.
   * @defaultValue `3600`
   */
  credentialsLifetimeSeconds?: number | undefined;
  /**
   * How long a challenge's `Session` (and an SRP `SECRET_BLOCK`) can be answered, in seconds;
   * later answers get `NotAuthorizedException` ("Invalid session for the user, session is
   * expired."), as do answers to a session already answered.
   * @defaultValue `180` (Cognito's 3 minutes)
   */
  challengeLifetimeSeconds?: number | undefined;
  /**
   * How far the emulator's clock is ahead of the machine's (negative: behind), in milliseconds.
   * It moves token `iat`/`exp`, credential `Expiration` and every expiry check: a device whose
   * clock is off is acted out by giving the server the opposite offset.
   * @defaultValue `0`
   */
  clockOffsetMs?: number | undefined;
  /**
   * The password policy for new passwords (`NEW_PASSWORD_REQUIRED`, `ConfirmForgotPassword`).
   * @defaultValue `{ minimumLength: 8 }`
   */
  passwordPolicy?: EmulatedPasswordPolicy | undefined;
  /**
   * Whether the identity pool gives guests (no login) unauthenticated identities.
   * @defaultValue `false`
   */
  allowUnauthenticated?: boolean | undefined;
  /**
   * Whether a guest identity can be linked to a user: `GetCredentialsForIdentity` with a guest's
   * identity id and a user's `Logins` then keeps that identity id for the user (when the user
   * has no identity yet). When `false` it answers `NotAuthorizedException`.
   * @defaultValue `true`
   */
  linkGuestIdentities?: boolean | undefined;
  /**
   * Wrong passwords in a row before sign-in is refused with "Password attempts exceeded".
   * @defaultValue `5`
   */
  maxFailedAttempts?: number | undefined;
  /** Gateways that accept the credentials the identity pool issues. */
  gateways?: SigV4Gateway[] | undefined;
}

/** One call the emulator answered. */
export interface EmulatorCall {
  /** `'cognito-idp'` (user pool) or `'cognito-identity'` (identity pool). */
  service: 'cognito-idp' | 'cognito-identity';
  /** The operation, such as `InitiateAuth` or `GetCredentialsForIdentity`. */
  operation: string;
  /** `AuthFlow` or `ChallengeName`, where the operation has one. */
  detail?: string | undefined;
  /** The HTTP status answered; `0` when the connection was reset without an answer. */
  status: number;
}

/**
 * A fault to inject: the next `times` calls of `operation` fail, are delayed, have their
 * connection reset, or get a body that is not JSON.
 */
export interface EmulatorFault {
  /** The operation, such as `GetCredentialsForIdentity`, or `'*'` for all. */
  operation: string;
  /** The error type, such as `TooManyRequestsException`; leave out for a delay only. */
  error?: string | undefined;
  /**
   * The HTTP status of the error (or of the malformed answer).
   * @defaultValue `500` for `InternalErrorException`, otherwise `400`; `200` for `malformedBody`
   */
  status?: number | undefined;
  /** The error message. */
  message?: string | undefined;
  /**
   * How many calls the fault applies to.
   * @defaultValue `1`
   */
  times?: number | undefined;
  /**
   * Milliseconds to wait before answering (or resetting). `Infinity` never answers: the call
   * stalls until the client gives up or the emulator is closed.
   */
  delayMs?: number | undefined;
  /** Reset the connection (TCP RST) instead of answering. */
  reset?: boolean | undefined;
  /** Answer with a body that is not JSON (and no `x-amzn-ErrorType`). */
  malformedBody?: boolean | undefined;
}

/** A running Cognito emulator. */
export interface CognitoEmulator {
  /** `http://127.0.0.1:{port}`: the endpoint of both the user pool and the identity pool. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** The region. */
  readonly region: string;
  /** The user pool id. */
  readonly userPoolId: string;
  /** The app client id. */
  readonly clientId: string;
  /** The identity pool id. */
  readonly identityPoolId: string;
  /** The `Logins` key of the user pool: `cognito-idp.{region}.amazonaws.com/{userPoolId}`. */
  readonly providerName: string;
  /** Every call answered, oldest first. */
  readonly calls: EmulatorCall[];
  /** How many calls of `operation` (optionally with this `AuthFlow`/`ChallengeName`) were answered. */
  count(operation: string, detail?: string): number;
  /** Adds (or replaces) a user. */
  addUser(user: EmulatedUser): void;
  /** Revokes every refresh token of a user: refreshing then fails with `NotAuthorizedException`. */
  revokeRefreshTokens(username: string): void;
  /** Disables (`false`) or enables (`true`) a user, as `AdminDisableUser`/`AdminEnableUser`. */
  setUserEnabled(username: string, enabled: boolean): void;
  /**
   * The last confirmation code `ForgotPassword` "sent" to a user (the emulator sends nothing),
   * or `undefined`.
   */
  lastCode(username: string): string | undefined;
  /** The identity id the identity pool holds for a user (by user name), or `undefined`. */
  identityIdOf(username: string): string | undefined;
  /** Makes a gateway accept every credential issued so far and from now on. */
  linkGateway(gateway: SigV4Gateway): void;
  /** Injects a fault. */
  fail(fault: EmulatorFault): void;
  /** Drops every fault not yet spent (stalled calls already under way stay stalled). */
  clearFaults(): void;
  /** Stops the server. */
  close(): Promise<void>;
}
