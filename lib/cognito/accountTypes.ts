import type { CodeDelivery } from './types';

/** Options of {@link CognitoAccount.signUp}. */
export interface SignUpOptions {
  /** User attributes, such as `{ email: 'alice@example.com', name: 'Alice' }`. */
  attributes?: Record<string, string> | undefined;
  /** Passed to the user pool's Lambda triggers (pre sign-up, custom message). */
  clientMetadata?: Record<string, string> | undefined;
}

/** What {@link CognitoAccount.signUp} returns. */
export interface SignUpResult {
  /** `true` when the user pool confirmed the user at once (a pre sign-up trigger may). */
  userConfirmed: boolean;
  /** The new user's `sub`. */
  userSub: string;
  /** Where the confirmation code went, when one was sent. */
  codeDelivery?: CodeDelivery | undefined;
}

/** An attribute whose new value waits for its code, and where the code went. */
export interface AwaitingVerification extends CodeDelivery {
  /** The attribute, such as `email`. */
  attribute: string;
}

/** What {@link CognitoAccount.updateUserAttributes} returns. */
export interface UpdateAttributesResult {
  /**
   * Attributes whose new value waits for a code (`email`, `phone_number`): until
   * `verifyUserAttribute(name, code)`, Cognito keeps them unverified.
   */
  awaitingVerification: AwaitingVerification[];
}

/** What {@link CognitoAccount.setUpTotp} returns: the secret for an authenticator app. */
export interface TotpSetup {
  /** The shared secret (base32), for manual entry. */
  secret: string;
  /**
   * The `otpauth://totp/…` URI to show as a QR code.
   * @param issuer - the name the authenticator app shows, such as your app's name.
   */
  uri(issuer: string): string;
}

/** How one MFA method stands for the user. */
export type MfaPreference = 'preferred' | 'enabled' | 'disabled';

/** An auth event, as {@link CognitoAccount.subscribe}'s listeners get it. */
export interface AuthEvent {
  /**
   * - `signedIn`: a user signed in (here, or in another tab sharing the storage);
   * - `signedOut`: the user signed out (here or in another tab), or another user signed in;
   * - `tokenRefreshed`: the session's tokens were renewed;
   * - `sessionExpired`: the refresh token no longer works; the user must sign in again;
   * - `userDeleted`: `deleteUser()` deleted the user; the session ended.
   */
  type: 'signedIn' | 'signedOut' | 'tokenRefreshed' | 'sessionExpired' | 'userDeleted';
  /** The user the event is about. */
  username: string;
  /** `true` when another tab or instance sharing the storage did it. */
  fromOtherTab: boolean;
}

/**
 * The account side of {@link CognitoAuth}: sign-up, password change, attributes, deletion,
 * authenticator-app set-up, MFA preferences and auth events. Methods of a signed-in user use
 * its access token (refreshed first when due) and reject with `NotSignedInError` when nobody
 * is signed in, before any call to Cognito.
 */
export interface CognitoAccount {
  /**
   * Creates a user (`SignUp`). Usually Cognito then sends a code to confirm the account:
   * `confirmSignUp(username, code)`.
   * @throws {@link AuthError} `ERR_INVALID_PASSWORD` (with `passwordRule`),
   * `ERR_USERNAME_EXISTS`, `ERR_REFUSED_BY_TRIGGER`.
   */
  signUp(username: string, password: string, options?: SignUpOptions): Promise<SignUpResult>;
  /**
   * Confirms a sign-up with the code Cognito sent (`ConfirmSignUp`). Does not sign in.
   * @throws {@link AuthError} `ERR_CODE_MISMATCH` (wrong code), `ERR_CODE_EXPIRED`.
   */
  confirmSignUp(username: string, code: string): Promise<void>;
  /** Sends the sign-up code again (`ResendConfirmationCode`); resolves to where it went. */
  resendSignUpCode(username: string): Promise<CodeDelivery>;
  /**
   * Changes the signed-in user's password (`ChangePassword`).
   * @throws {@link AuthError} `ERR_WRONG_PASSWORD` (the old one), `ERR_INVALID_PASSWORD`.
   */
  changePassword(oldPassword: string, newPassword: string): Promise<void>;
  /** The signed-in user's attributes (`GetUser`), `sub` and `email_verified` included. */
  getUserAttributes(): Promise<Record<string, string>>;
  /**
   * Sets attributes of the signed-in user (`UpdateUserAttributes`); resolves to those that
   * await a code, and where it went.
   */
  updateUserAttributes(attributes: Record<string, string>): Promise<UpdateAttributesResult>;
  /** Sends a code to verify `email` or `phone_number` (`GetUserAttributeVerificationCode`). */
  sendUserAttributeVerificationCode(name: string): Promise<CodeDelivery>;
  /**
   * Verifies an attribute with its code (`VerifyUserAttribute`).
   * @throws {@link AuthError} `ERR_CODE_MISMATCH`, `ERR_CODE_EXPIRED`.
   */
  verifyUserAttribute(name: string, code: string): Promise<void>;
  /**
   * Deletes the signed-in user (`DeleteUser`); the session then ends as at `signOut()` and
   * listeners get `userDeleted`.
   */
  deleteUser(): Promise<void>;
  /** Starts authenticator-app (TOTP) set-up (`AssociateSoftwareToken`). */
  setUpTotp(): Promise<TotpSetup>;
  /**
   * Finishes TOTP set-up with a code from the app (`VerifySoftwareToken`). Then make it the
   * MFA method with `setMfaPreference({ totp: 'preferred' })`.
   * @throws {@link AuthError} `ERR_CODE_MISMATCH`.
   */
  verifyTotp(code: string, options?: { deviceName?: string | undefined }): Promise<void>;
  /** Enables, prefers or disables MFA methods (`SetUserMFAPreference`); absent ones stay as they are. */
  setMfaPreference(preferences: {
    totp?: MfaPreference | undefined;
    sms?: MfaPreference | undefined;
    email?: MfaPreference | undefined;
  }): Promise<void>;
  /**
   * Remembers this device (`UpdateDeviceStatus`), for pools that remember devices only when the
   * user opts in; pools that always remember need no call. A remembered device skips MFA.
   * @throws `ConfigurationError` when the pool did not register this device (device tracking off).
   */
  rememberDevice(): Promise<void>;
  /** Forgets this device (`ForgetDevice`) and its key here: the next sign-in asks for MFA again. */
  forgetDevice(): Promise<void>;
  /**
   * Calls `listener` on every auth event, from this instance or from another tab sharing the
   * storage. A listener that throws does not stop the others.
   * @returns a function that unsubscribes.
   */
  subscribe(listener: (event: AuthEvent) => void): () => void;
}
