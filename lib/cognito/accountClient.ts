import type { Sha256Constructor } from '../signing/sha256';
import type { Transport } from './transport';
import { secretHash } from './userPoolClient';
import type { CodeDeliveryDetails } from './userPoolClient';

/** `[{ Name, Value }]`: how Cognito sends and takes user attributes. */
export type AttributeList = Array<{ Name?: string; Value?: string }>;

/** `SetUserMFAPreference`'s settings for one method. */
export interface MfaSettings {
  Enabled: boolean;
  PreferredMfa: boolean;
}

/**
 * The user pool's account operations (`AWSCognitoIdentityProviderService`), one function per
 * operation, beside {@link UserPoolClient}'s sign-in ones: the same transport (timeout, bounded
 * retries), the app client id and, for the calls that name a user, its `SECRET_HASH`. Calls of a
 * signed-in user carry the access token instead. Failures reject as the transport's; the flows
 * turn them into typed errors.
 */
export interface AccountClient {
  signUp(
    username: string,
    password: string,
    attributes: AttributeList,
    clientMetadata: Record<string, string> | undefined,
  ): Promise<{
    UserConfirmed?: boolean;
    UserSub?: string;
    CodeDeliveryDetails?: CodeDeliveryDetails;
  }>;
  confirmSignUp(username: string, code: string): Promise<void>;
  resendConfirmationCode(username: string): Promise<{ CodeDeliveryDetails?: CodeDeliveryDetails }>;
  changePassword(accessToken: string, previous: string, proposed: string): Promise<void>;
  getUser(accessToken: string): Promise<{ Username?: string; UserAttributes?: AttributeList }>;
  updateUserAttributes(
    accessToken: string,
    attributes: AttributeList,
  ): Promise<{ CodeDeliveryDetailsList?: CodeDeliveryDetails[] }>;
  getUserAttributeVerificationCode(
    accessToken: string,
    name: string,
  ): Promise<{ CodeDeliveryDetails?: CodeDeliveryDetails }>;
  verifyUserAttribute(accessToken: string, name: string, code: string): Promise<void>;
  deleteUser(accessToken: string): Promise<void>;
  /** With an access token (signed in) or a sign-in's `Session` (`MFA_SETUP`). */
  associateSoftwareToken(
    by: { AccessToken: string } | { Session: string },
  ): Promise<{ SecretCode?: string; Session?: string }>;
  verifySoftwareToken(
    by: { AccessToken: string } | { Session: string },
    code: string,
    deviceName: string | undefined,
  ): Promise<{ Status?: string; Session?: string }>;
  setUserMfaPreference(
    accessToken: string,
    settings: {
      SoftwareTokenMfaSettings?: MfaSettings;
      SMSMfaSettings?: MfaSettings;
      EmailMfaSettings?: MfaSettings;
    },
  ): Promise<void>;
  /** `RevokeToken`: the refresh token and every access token issued from it. */
  revokeToken(refreshToken: string): Promise<void>;
}

export interface AccountClientOptions {
  transport: Transport;
  endpoint: string;
  clientId: string;
  clientSecret?: string | undefined;
  sha256?: Sha256Constructor | undefined;
}

export function createAccountClient(options: AccountClientOptions): AccountClient {
  const { transport, endpoint, clientId, clientSecret, sha256 } = options;
  const call = (what: string, operation: string, body: Record<string, unknown>) =>
    transport.call(what, endpoint, `AWSCognitoIdentityProviderService.${operation}`, body);
  /** The body of a call that names a user: client id, user name, `SecretHash` when needed. */
  const forUser = async (username: string, body: Record<string, unknown>) => {
    const hash = await secretHash(clientSecret, username, clientId, sha256);
    return {
      ClientId: clientId,
      Username: username,
      ...body,
      ...(hash === undefined ? {} : { SecretHash: hash }),
    };
  };
  const none = () => undefined;

  return {
    async signUp(username, password, attributes, clientMetadata) {
      return call(
        'Signing up',
        'SignUp',
        await forUser(username, {
          Password: password,
          UserAttributes: attributes,
          ...(clientMetadata === undefined ? {} : { ClientMetadata: clientMetadata }),
        }),
      );
    },
    async confirmSignUp(username, code) {
      await call(
        'Confirming the sign-up',
        'ConfirmSignUp',
        await forUser(username, { ConfirmationCode: code }),
      ).then(none);
    },
    async resendConfirmationCode(username) {
      return call(
        'Sending the sign-up code again',
        'ResendConfirmationCode',
        await forUser(username, {}),
      );
    },
    async changePassword(accessToken, previous, proposed) {
      await call('Changing the password', 'ChangePassword', {
        AccessToken: accessToken,
        PreviousPassword: previous,
        ProposedPassword: proposed,
      });
    },
    getUser: (accessToken) =>
      call("Reading the user's attributes", 'GetUser', { AccessToken: accessToken }),
    updateUserAttributes: (accessToken, attributes) =>
      call("Updating the user's attributes", 'UpdateUserAttributes', {
        AccessToken: accessToken,
        UserAttributes: attributes,
      }),
    getUserAttributeVerificationCode: (accessToken, name) =>
      call('Sending an attribute verification code', 'GetUserAttributeVerificationCode', {
        AccessToken: accessToken,
        AttributeName: name,
      }),
    async verifyUserAttribute(accessToken, name, code) {
      await call('Verifying an attribute', 'VerifyUserAttribute', {
        AccessToken: accessToken,
        AttributeName: name,
        Code: code,
      });
    },
    async deleteUser(accessToken) {
      await call('Deleting the user', 'DeleteUser', { AccessToken: accessToken });
    },
    associateSoftwareToken: (by) =>
      call('Setting up an authenticator app', 'AssociateSoftwareToken', by),
    verifySoftwareToken: (by, code, deviceName) =>
      call('Verifying the authenticator app', 'VerifySoftwareToken', {
        ...by,
        UserCode: code,
        ...(deviceName === undefined ? {} : { FriendlyDeviceName: deviceName }),
      }),
    async setUserMfaPreference(accessToken, settings) {
      await call('Setting the MFA preference', 'SetUserMFAPreference', {
        AccessToken: accessToken,
        ...settings,
      });
    },
    async revokeToken(refreshToken) {
      await call('Revoking the refresh token', 'RevokeToken', {
        Token: refreshToken,
        ClientId: clientId,
        ...(clientSecret === undefined ? {} : { ClientSecret: clientSecret }),
      });
    },
  };
}
