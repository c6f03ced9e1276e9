/**
 * Cognito sign-in for the signer: a user pool session turned into identity-pool credentials
 * ({@link createCognitoAuth}), on a user-pool client of its own: no Cognito package needed.
 *
 * @module apig-signer/cognito
 */
export { createCognitoAuth } from './createCognitoAuth';
export type {
  CustomChallenge,
  MfaSetupChallenge,
  OtpChallenge,
  SelectChallenge,
  SelectMfaTypeChallenge,
  SignInOptions,
  AuthEvent,
  AwaitingVerification,
  CognitoAccount,
  CognitoAuth,
  CognitoAuthOptions,
  MfaPreference,
  SignUpOptions,
  SignUpResult,
  TotpSetup,
  UpdateAttributesResult,
  CognitoChallenge,
  MfaChallenge,
  NewPasswordChallenge,
  SignInResult,
  CodeDelivery,
  SignOutOptions,
} from './createCognitoAuth';
export { fromAmplify } from './fromAmplify';
export type {
  AmplifyAuthSession,
  AmplifyCredentials,
  AmplifyCredentialsProvider,
  AmplifyFetchAuthSession,
  AmplifyHub,
  AmplifyHubCapsule,
  FromAmplifyOptions,
} from './fromAmplify';
export { createMemoryStorage } from './storage';
export type { AsyncCognitoStorage, CognitoStorage } from './storage';
export {
  AuthError,
  CognitoServiceError,
  NotSignedInError,
  SessionExpiredError,
  StorageError,
} from './errors';
export type { RetryPolicy } from './failures';
export type { AuthErrorCode, CognitoServiceErrorCode, PasswordRule } from './errors';
