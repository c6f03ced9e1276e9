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
export { createMemoryStorage } from './storage';
export type { CognitoStorage } from './storage';
export { AuthError, CognitoServiceError, NotSignedInError, SessionExpiredError } from './errors';
export type { RetryPolicy } from './failures';
export type { AuthErrorCode, CognitoServiceErrorCode, PasswordRule } from './errors';
