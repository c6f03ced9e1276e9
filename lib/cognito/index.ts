/**
 * Cognito sign-in for the signer: a user pool session turned into identity-pool credentials
 * ({@link createCognitoAuth}). The only entry that needs the Cognito packages.
 *
 * @module apig-signer/cognito
 */
// First: defines `global` for the Cognito packages in browsers (see nodeGlobal.ts).
import './nodeGlobal';

export { createCognitoAuth } from './createCognitoAuth';
export type {
  CognitoAuth,
  CognitoAuthOptions,
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
export type { CognitoStorage } from './storage';
export { AuthError, CognitoServiceError, NotSignedInError, SessionExpiredError } from './errors';
export type { RetryPolicy } from './failures';
export type { AuthErrorCode, CognitoServiceErrorCode, PasswordRule } from './errors';
