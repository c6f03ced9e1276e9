import type { TotpSetup } from './accountTypes';
import type { SignInResult } from './types';

/** Cognito asks for a one-time code sent by email (`EMAIL_OTP`) or SMS (`SMS_OTP`, choice-based sign-in). */
export interface OtpChallenge {
  /** The challenge. */
  name: 'EMAIL_OTP' | 'SMS_OTP';
  /** Where the code was sent (masked), if Cognito says. */
  destination?: string | undefined;
  /** Sends the code; resolves to the next step. */
  answer(code: string): Promise<SignInResult>;
}

/** The user has several MFA methods and no preferred one: the app asks which to use. */
export interface SelectMfaTypeChallenge {
  /** The challenge. */
  name: 'SELECT_MFA_TYPE';
  /** The methods to choose from, such as `['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']`. */
  options: string[];
  /** Chooses one; resolves to its challenge (the code to enter). */
  answer(type: string): Promise<SignInResult>;
}

/**
 * The user pool requires MFA and the user has none: set up an authenticator app inside the
 * sign-in (`setUpTotp()`, show its URI as a QR code), then answer with a code from the app.
 */
export interface MfaSetupChallenge {
  /** The challenge. */
  name: 'MFA_SETUP';
  /** What the user may set up, such as `['SOFTWARE_TOKEN_MFA']`. */
  options: string[];
  /** Gets the authenticator secret (AssociateSoftwareToken, by the sign-in's session). */
  setUpTotp(): Promise<TotpSetup>;
  /** Verifies a code from the app, then finishes the sign-in; resolves to the next step. */
  answer(code: string, options?: { deviceName?: string | undefined }): Promise<SignInResult>;
}

/** The user pool's custom-auth Lambda triggers ask a question of their own. */
export interface CustomChallenge {
  /** The challenge. */
  name: 'CUSTOM_CHALLENGE';
  /** The public challenge parameters the CreateAuthChallenge trigger set. */
  parameters: Record<string, string>;
  /** Sends the answer; resolves to the next step (another question, or signed in). */
  answer(answer: string): Promise<SignInResult>;
}

/** Choice-based sign-in (`USER_AUTH`) without a preferred factor: the user picks one. */
export interface SelectChallenge {
  /** The challenge. */
  name: 'SELECT_CHALLENGE';
  /** The first factors Cognito offers this user, such as `['PASSWORD', 'EMAIL_OTP']`. */
  available: string[];
  /**
   * Picks a factor: `'PASSWORD'` with the password (signed in, or MFA next), `'EMAIL_OTP'` or
   * `'SMS_OTP'` (a code is sent: the next step asks for it).
   */
  answer(factor: string, password?: string): Promise<SignInResult>;
}

/** Options of {@link CognitoAuth.signIn} for the flows other than the password's. */
export interface SignInOptions {
  /**
   * `'CUSTOM_AUTH'`: the user pool's custom-auth Lambda triggers ask the questions
   * ({@link CustomChallenge}); with a password, SRP proves it first (Cognito's `SRP_A` step).
   * `'USER_AUTH'`: choice-based sign-in: `preferredChallenge` names the first factor, or the
   * result is a {@link SelectChallenge} listing those Cognito offers.
   * @defaultValue the `authFlow` option (`USER_SRP_AUTH` or `USER_PASSWORD_AUTH`)
   */
  authFlow?: 'CUSTOM_AUTH' | 'USER_AUTH' | undefined;
  /**
   * For `USER_AUTH`: the first factor. `'PASSWORD_SRP'` and `'PASSWORD'` need the password;
   * `'EMAIL_OTP'` and `'SMS_OTP'` send a code and need none.
   * @defaultValue none: Cognito answers `SELECT_CHALLENGE`
   */
  preferredChallenge?: 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP' | undefined;
}
