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
  /**
   * Whether an administrator required a password reset: sign-in is refused with
   * `PasswordResetRequiredException` until ConfirmForgotPassword sets a new one.
   * @defaultValue `false`
   */
  passwordResetRequired?: boolean | undefined;
  /** Attributes the `NEW_PASSWORD_REQUIRED` challenge asks for, such as `['name']`. */
  requiredAttributes?: string[] | undefined;
  /**
   * An MFA challenge after the password (the user's enabled and preferred method). `SMS_MFA`
   * and `SOFTWARE_TOKEN_MFA` are answered with `mfaCode` (unless `totpSecret` is set: then
   * with the TOTP code); `EMAIL_OTP` with the code sent (see {@link CognitoEmulator.lastCode}).
   */
  mfa?: EmulatedMfaType | undefined;
  /**
   * The code that answers an `SMS_MFA` or `SOFTWARE_TOKEN_MFA` challenge set by `mfa`.
   * @defaultValue `'123456'`
   */
  mfaCode?: string | undefined;
  /**
   * A TOTP secret (base32) the user has already set up: `SOFTWARE_TOKEN_MFA` is then enabled
   * and answered with the RFC 6238 code of this secret ({@link CognitoEmulator.totpCode}).
   */
  totpSecret?: string | undefined;
}

/** The MFA methods of a user pool. */
export type EmulatedMfaType = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP';

/** What a code was sent for: the operation or challenge that sent it. */
export type EmulatedCodePurpose =
  'SignUp' | 'ForgotPassword' | 'VerifyUserAttribute' | 'EMAIL_OTP' | 'SMS_OTP' | 'SMS_MFA';

/** A code the emulator "sent" (it sends nothing; tests read it here). */
export interface DeliveredCode {
  /** The user it was sent to. */
  username: string;
  /** What it is for. */
  purpose: EmulatedCodePurpose;
  /** The code. */
  code: string;
  /** The attribute it went to (`email`, `phone_number`), when the user has one. */
  attributeName?: string | undefined;
  /** The unmasked address or number, when the user has one. */
  destination?: string | undefined;
  /** `EMAIL` or `SMS`, when delivered. */
  medium?: 'EMAIL' | 'SMS' | undefined;
}

/**
 * A custom-auth Lambda trigger as a function: it gets the event Cognito would send the Lambda
 * (`{ userName, request, response }`) and returns it with `response` filled (or mutates it and
 * returns nothing), so a real handler can be plugged in.
 */
export type EmulatedTrigger = (
  event: EmulatedTriggerEvent,
) => EmulatedTriggerEvent | undefined | Promise<EmulatedTriggerEvent | undefined>;

/** The event given to a custom-auth trigger (the fields Cognito's Lambda events have). */
export interface EmulatedTriggerEvent {
  /** The trigger: `PreAuthentication_Authentication`, `DefineAuthChallenge_Authentication`, `CreateAuthChallenge_Authentication`, `VerifyAuthChallengeResponse_Authentication`. */
  triggerSource: string;
  /** The user pool id. */
  userPoolId: string;
  /** The user signing in. */
  userName: string;
  /** The app client the sign-in came from. */
  callerContext: {
    /** The app client id. */
    clientId: string;
  };
  /** What Cognito tells the trigger: `userAttributes`, `session`, `challengeAnswer`, … */
  request: Record<string, unknown>;
  /** What the trigger answers: `challengeName`, `issueTokens`, `answerCorrect`, … */
  response: Record<string, unknown>;
}

/** The sign-in Lambda triggers, as functions. */
export interface EmulatedAuthTriggers {
  /**
   * Runs before every sign-in of a known user (not refreshes); a throw refuses it with
   * `UserLambdaValidationException` ("PreAuthentication failed with error …").
   */
  preAuthentication?: EmulatedTrigger | undefined;
  /** Decides the next challenge, or to issue tokens or fail, from the session so far. */
  defineAuthChallenge?: EmulatedTrigger | undefined;
  /** Makes a `CUSTOM_CHALLENGE`: public and private parameters. */
  createAuthChallenge?: EmulatedTrigger | undefined;
  /** Judges the answer to a `CUSTOM_CHALLENGE`: `response.answerCorrect`. */
  verifyAuthChallengeResponse?: EmulatedTrigger | undefined;
}

/** Device tracking, as the user pool's `DeviceConfiguration`. */
export interface EmulatedDeviceConfiguration {
  /**
   * Whether a device is remembered only when the app says so (UpdateDeviceStatus): "user
   * opt-in". When `false`, every confirmed device is remembered ("always").
   * @defaultValue `false`
   */
  deviceOnlyRememberedOnUserPrompt?: boolean | undefined;
}

/** What the emulator knows about a user, for assertions. */
export interface EmulatedUserView {
  /** The user name. */
  username: string;
  /** The user's `sub`. */
  sub: string;
  /** Whether sign-up is confirmed. */
  confirmed: boolean;
  /** Whether the user is enabled. */
  enabled: boolean;
  /** The attributes (without `sub` and the `*_verified` flags). */
  attributes: Record<string, string>;
  /** Attributes whose value is verified. */
  verifiedAttributes: string[];
  /** The MFA methods enabled. */
  mfaEnabled: EmulatedMfaType[];
  /** The preferred MFA method, if any. */
  mfaPreferred?: EmulatedMfaType | undefined;
  /** The TOTP secret, once associated. */
  totpSecret?: string | undefined;
}

/** A device the user pool tracks. */
export interface EmulatedDevice {
  /** The device key (`{region}_{uuid}`). */
  deviceKey: string;
  /** The device group key. */
  deviceGroupKey: string;
  /** The name ConfirmDevice gave it. */
  name?: string | undefined;
  /** ConfirmDevice has been called (the device has an SRP verifier). */
  confirmed: boolean;
  /** It skips MFA at sign-in. */
  remembered: boolean;
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
   * The app client's secret. When set, user-pool calls must carry `SECRET_HASH`
   * (base64 HMAC-SHA256 of username + client id, keyed by the secret); without it Cognito's
   * `NotAuthorizedException` answers.
   * @defaultValue none (an app client without a secret)
   */
  clientSecret?: string | undefined;
  /**
   * The pool's MFA setting: `'ON'` makes a user with no MFA method set one up at sign-in
   * (`MFA_SETUP`); `'OFF'` never asks.
   * @defaultValue `'OPTIONAL'`
   */
  mfaConfiguration?: 'OFF' | 'OPTIONAL' | 'ON' | undefined;
  /**
   * Device tracking: sign-ins then return `NewDeviceMetadata`, and a remembered device answers
   * `DEVICE_SRP_AUTH` / `DEVICE_PASSWORD_VERIFIER` instead of MFA.
   * @defaultValue none (devices not tracked)
   */
  deviceConfiguration?: EmulatedDeviceConfiguration | undefined;
  /**
   * The app client's allowed flows (`ExplicitAuthFlows`: `ALLOW_USER_SRP_AUTH`,
   * `ALLOW_USER_PASSWORD_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`, `ALLOW_CUSTOM_AUTH`,
   * `ALLOW_USER_AUTH`); another flow gets "… flow not enabled for this client".
   * @defaultValue every flow allowed
   */
  explicitAuthFlows?: string[] | undefined;
  /** Sign-in Lambda triggers as functions: `preAuthentication` and the custom-auth ones. */
  triggers?: EmulatedAuthTriggers | undefined;
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
   * The code a user was last sent for `purpose` and has not spent yet, or `undefined` (the
   * emulator sends nothing). `purpose` defaults to `'ForgotPassword'`; `attribute` picks the
   * attribute of a `VerifyUserAttribute` code (`email`, `phone_number`).
   */
  lastCode(username: string, purpose?: EmulatedCodePurpose, attribute?: string): string | undefined;
  /** Every code sent, oldest first. */
  readonly sentCodes: readonly DeliveredCode[];
  /**
   * The RFC 6238 TOTP code (6 digits, 30-second steps, HMAC-SHA-1) of a base32 secret at a time
   * (the emulator's clock by default): what an authenticator app shows.
   */
  totpCode(secret: string, atMs?: number): string;
  /** What the pool knows about a user, or `undefined`. */
  user(username: string): EmulatedUserView | undefined;
  /** The devices tracked for a user. */
  devicesOf(username: string): EmulatedDevice[];
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
