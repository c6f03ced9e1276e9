import type { CognitoAccount } from './accountTypes';
import type {
  CustomChallenge,
  MfaSetupChallenge,
  OtpChallenge,
  SelectChallenge,
  SelectMfaTypeChallenge,
  SignInOptions,
} from './challengeTypes';
import type { MemoizedCredentialsProvider, Sha256Constructor } from '../index';
import type { RetryPolicy } from './failures';
import type { AsyncCognitoStorage, CognitoStorage } from './storage';

/** Options of {@link createCognitoAuth}. */
export interface CognitoAuthOptions {
  /** The region of the user pool and identity pool, such as `eu-west-2`. */
  region: string;
  /** The user pool id, such as `eu-west-2_AbCdEf123`. */
  userPoolId: string;
  /** The id of an app client of the user pool. */
  clientId: string;
  /**
   * The app client's secret, for an app client that has one: every call then carries its
   * `SECRET_HASH`. Only where the secret stays secret (a server, the CLI): an app or a web page
   * gives it to every user, so use an app client without a secret there.
   * @defaultValue none: an app client without a secret (Cognito's refusal otherwise names it)
   */
  clientSecret?: string | undefined;
  /** The identity pool id, such as `eu-west-2:1234abcd-…`. */
  identityPoolId: string;
  /**
   * How users sign in: the Secure Remote Password protocol (the password never leaves the
   * device) or the password itself over TLS.
   * @defaultValue `'USER_SRP_AUTH'`
   */
  authFlow?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | undefined;
  /**
   * A SHA-256 constructor for runtimes with neither node:crypto nor WebCrypto (React Native,
   * pages on plain http), as `apigSigner`'s `sha256` option: `Sha256` from
   * `@aws-crypto/sha256-js`. SRP sign-in and `SECRET_HASH` use it.
   * @defaultValue node:crypto where present, else WebCrypto
   */
  sha256?: Sha256Constructor | undefined;
  /**
   * Where tokens and the identity id are kept, so a reload restores the session. Storage is the
   * source of truth: instances (tabs) sharing it share the signed-in user.
   * The layout is amazon-cognito-identity-js's: users it (or Amplify v6) signed in stay signed
   * in. May be asynchronous ({@link AsyncCognitoStorage}, such as React Native's AsyncStorage).
   * @defaultValue `localStorage` in browsers (when it works); elsewhere, including Node, an
   * in-memory store of this instance
   */
  storage?: CognitoStorage | AsyncCognitoStorage | undefined;
  /**
   * Endpoint overrides (full URLs), for the emulator, VPC endpoints or FIPS.
   * @defaultValue `https://cognito-idp.{region}.amazonaws.com/` and
   * `https://cognito-identity.{region}.amazonaws.com/`
   */
  endpoints?:
    | {
        /** The user pool endpoint, such as the emulator's `url`. */
        userPool?: string | undefined;
        /** The identity pool endpoint. */
        identity?: string | undefined;
      }
    | undefined;
  /**
   * Give visitors who are not signed in the identity pool's unauthenticated (guest) identity.
   * When a guest signs in, the guest identity becomes the user's if the user has none yet and
   * the identity pool allows it.
   * @defaultValue `false`: `credentials` then fails with {@link NotSignedInError}
   */
  allowGuest?: boolean | undefined;
  /**
   * How long before the ID token expires it is refreshed, in milliseconds; never more than half
   * the token's lifetime.
   * @defaultValue `300000` (5 minutes)
   */
  tokenRefreshMarginMs?: number | undefined;
  /**
   * How long before the AWS credentials expire they are refreshed, in milliseconds.
   * @defaultValue `300000` (5 minutes)
   */
  credentialsRefreshWindowMs?: number | undefined;
  /**
   * How long one attempt of a Cognito call (either pool) may take before it is abandoned, in
   * milliseconds (1 to 2,147,483,647). A timed-out attempt counts as a failure to retry. With the
   * default retries, a stalled call fails in about 25 s: before `apigSigner`'s
   * `credentialsTimeoutMs` (30 s), so the error says what Cognito did.
   * @defaultValue `8000` (8 seconds)
   */
  timeoutMs?: number | undefined;
  /**
   * Retries of a Cognito call that was throttled, failed with a 5xx or a network error, or timed
   * out, with exponential backoff (`retries` 0 to 10, `baseDelayMs` 0 to 60,000).
   * @defaultValue `{ retries: 2, baseDelayMs: 200 }`
   */
  retry?: Partial<RetryPolicy> | undefined;
}

/** The outcome of a sign-in step: signed in (no `challenge`), or a challenge to answer. */
export interface SignInResult {
  /** The user name Cognito knows the user by. */
  username: string;
  /** Absent when the user is signed in; otherwise what Cognito asks for next. */
  challenge?: CognitoChallenge | undefined;
}

/** Cognito asks for a new password (first sign-in with a temporary password). */
export interface NewPasswordChallenge {
  /** The challenge. */
  name: 'NEW_PASSWORD_REQUIRED';
  /** The user's current attributes. */
  userAttributes: Record<string, string>;
  /** Attributes that must be given with the new password (unless the user has them already). */
  requiredAttributes: string[];
  /**
   * Sets the new password (and required attributes); resolves to the next step. Rejects with
   * `ERR_MISSING_ATTRIBUTES` before sending anything when a required attribute is missing.
   */
  answer(newPassword: string, attributes?: Record<string, string>): Promise<SignInResult>;
}

/** Cognito asks for a code: sent by SMS (`SMS_MFA`) or from an authenticator app (`SOFTWARE_TOKEN_MFA`). */
export interface MfaChallenge {
  /** The challenge. */
  name: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA';
  /** Where an SMS code was sent (masked), if Cognito says. */
  destination?: string | undefined;
  /** Sends the code; resolves to the next step. */
  answer(code: string): Promise<SignInResult>;
}

/** A challenge {@link CognitoAuth.signIn} can return. */
export type CognitoChallenge =
  | NewPasswordChallenge
  | MfaChallenge
  | OtpChallenge
  | SelectMfaTypeChallenge
  | MfaSetupChallenge
  | CustomChallenge
  | SelectChallenge;

/** Where `forgotPassword` had Cognito send the confirmation code. */
export interface CodeDelivery {
  /** The masked address, such as `a***@e***`. */
  destination?: string | undefined;
  /** `'EMAIL'` or `'SMS'`. */
  medium?: string | undefined;
}

/** Options of {@link CognitoAuth.signOut}. */
export interface SignOutOptions {
  /**
   * Also sign out of every device (Cognito's `GlobalSignOut`: every refresh token of the user is
   * revoked). This device is signed out at once either way.
   * @defaultValue `false`
   */
  global?: boolean | undefined;
}

/** Sign-in, session and credentials for one app; see {@link createCognitoAuth}. */
export interface CognitoAuth extends CognitoAccount {
  /**
   * Signs a user in to the user pool. Resolves when signed in, or with a challenge to answer.
   * The current session stays as it is until this sign-in succeeds; if another `signIn()` or a
   * `signOut()` comes first, this one rejects with `ERR_SIGN_IN_SUPERSEDED` and changes nothing.
   * The password is needed except for custom auth and choice-based sign-in with a code
   * (`options`, see {@link SignInOptions}).
   * @throws {@link AuthError} when Cognito refuses; {@link CognitoServiceError} after retries;
   * `ConfigurationError` for a missing password or bad options, before any call.
   */
  signIn(username: string, password?: string, options?: SignInOptions): Promise<SignInResult>;
  /** The signed-in user's name (restored from storage too), or `undefined`. */
  readonly username: string | undefined;
  /**
   * The ID token, refreshed with the refresh token when it is within `tokenRefreshMarginMs` of
   * expiring (one refresh at a time, shared with other tabs on the same storage).
   * @throws {@link NotSignedInError}; {@link SessionExpiredError} when the refresh token no longer works.
   */
  getIdToken(): Promise<string>;
  /**
   * The credentials strategy for `apigSigner`: identity-pool credentials for the signed-in user
   * (or a guest), memoised, refreshed before they expire, one fetch for concurrent requests.
   * Requests waiting for credentials when the session ends fail with {@link NotSignedInError}.
   */
  readonly credentials: MemoizedCredentialsProvider;
  /**
   * Asks Cognito to send the user a code to reset a forgotten password.
   * @throws {@link AuthError} (`ERR_USER_NOT_FOUND`, `ERR_TOO_MANY_ATTEMPTS`, …).
   */
  forgotPassword(username: string): Promise<CodeDelivery>;
  /**
   * Sets a new password with the code `forgotPassword` sent. Does not sign in.
   * @throws {@link AuthError} (`ERR_CODE_MISMATCH`, `ERR_INVALID_PASSWORD`, …).
   */
  confirmForgotPassword(username: string, code: string, newPassword: string): Promise<void>;
  /**
   * Signs out on this device at once: ends the session (requests waiting for its credentials
   * fail with `ERR_NOT_SIGNED_IN`, pending sign-ins with `ERR_SIGN_IN_SUPERSEDED`) and removes
   * from storage every token and identity id this instance wrote. Tabs sharing the storage see
   * it at their next use.
   */
  signOut(options?: { global?: false | undefined }): void;
  /**
   * Signs out here at once, then on every device (`GlobalSignOut`); resolves when Cognito has
   * revoked the user's refresh tokens.
   * @throws {@link CognitoServiceError} when Cognito could not be told (this device is signed
   * out anyway).
   */
  signOut(options: SignOutOptions & { global: true }): Promise<void>;
}
