import { accountOperations } from './account';
import type { OperationTable, PoolContext } from './context';
import { passwordResetOperations } from './passwordReset';
import { signInOperations } from './signIn';
import { signUpOperations } from './signUp';
import { softwareTokenOperations } from './softwareToken';
import { tokenOperations } from './tokenOperations';

/**
 * The user pool (`AWSCognitoIdentityProviderService`): one table of operations, one handler
 * each, gathered from one module per concern.
 *
 * | module | operations |
 * |---|---|
 * | signIn (with mfa, userAuth, customAuth, devices) | InitiateAuth, RespondToAuthChallenge, ConfirmDevice, UpdateDeviceStatus, ForgetDevice, ListDevices |
 * | signUp | SignUp, ConfirmSignUp, ResendConfirmationCode |
 * | passwordReset | ForgotPassword, ConfirmForgotPassword |
 * | account | ChangePassword, GetUser, UpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute, DeleteUser |
 * | softwareToken | AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference |
 * | tokenOperations | GetTokensFromRefreshToken, RevokeToken, GlobalSignOut |
 *
 * Any other operation is answered `UnknownOperationException` by the server.
 */
export function userPoolOperations(ctx: PoolContext): OperationTable {
  return {
    ...signInOperations(ctx),
    ...signUpOperations(ctx),
    ...passwordResetOperations(ctx),
    ...accountOperations(ctx),
    ...softwareTokenOperations(ctx),
    ...tokenOperations(ctx),
  };
}
