import type { SignInContext } from './challenges';
import type { UserRecord } from './state';

/** `AuthParameters` or `ChallengeResponses`. */
export type Parameters = Record<string, string>;

/** One `AuthFlow` of InitiateAuth. */
export type FlowHandler = (parameters: Parameters, body: Record<string, unknown>) => unknown;

/** One `ChallengeName` of RespondToAuthChallenge, for the user the `Session` was issued to. */
export type AnswerHandler = (
  user: UserRecord,
  responses: Parameters,
  signIn: SignInContext,
  body: Record<string, unknown>,
) => unknown;

/** What a sign-in module adds: flows, challenge answers, operations. */
export interface SignInModule {
  flows?: Record<string, FlowHandler>;
  answers?: Record<string, AnswerHandler>;
}

/**
 * The steps of a sign-in that the modules share, in the order Cognito takes them: the password
 * (SRP or plain), then a new password, a remembered device, MFA, and tokens.
 */
export interface SignInSteps {
  /** The `PASSWORD_VERIFIER` challenge for a client's `SRP_A`. */
  srpChallenge(user: UserRecord, srpA: string | undefined, signIn: SignInContext): unknown;
  /** What follows a correct password: confirmation, new password, device, MFA, tokens. */
  afterPassword(user: UserRecord, signIn: SignInContext): unknown;
  /** What follows a new password (or none needed): a remembered device, else MFA. */
  afterNewPassword(user: UserRecord, signIn: SignInContext): unknown;
  /** The tokens (and `NewDeviceMetadata` when devices are tracked). */
  signedIn(user: UserRecord, signIn: SignInContext): unknown;
}
