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
  /** `ConfirmDevice`: a new device's SRP verifier. */
  confirmDevice(
    accessToken: string,
    deviceKey: string,
    verifier: { PasswordVerifier: string; Salt: string },
  ): Promise<void>;
  /** `UpdateDeviceStatus` to `remembered`. */
  rememberDevice(accessToken: string, deviceKey: string): Promise<void>;
  /** `ForgetDevice`. */
  forgetDevice(accessToken: string, deviceKey: string): Promise<void>;
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
  /** One operation (its name is what errors say failed); the body is Cognito's request. */
  const op =
    (operation: string) =>
    (body: Record<string, unknown>): Promise<Record<string, unknown>> =>
      transport.call(operation, endpoint, `AWSCognitoIdentityProviderService.${operation}`, body);
  /** An operation that names a user: client id, user name, `SecretHash` when there is one. */
  const byName = (operation: string) => {
    const send = op(operation);
    return async (username: string, body: Record<string, unknown>) => {
      const hash = await secretHash(clientSecret, username, clientId, sha256);
      return send({
        ...body,
        ClientId: clientId,
        Username: username,
        ...(hash === undefined ? {} : { SecretHash: hash }),
      });
    };
  };
  /** An operation of the signed-in user, by access token. */
  const byToken = (operation: string) => {
    const send = op(operation);
    return (AccessToken: string, body: Record<string, unknown> = {}) =>
      send({ ...body, AccessToken });
  };
  const none = () => undefined;
  const signUp = byName('SignUp');
  const confirmSignUp = byName('ConfirmSignUp');
  const resend = byName('ResendConfirmationCode');
  const changePassword = byToken('ChangePassword');
  const getUser = byToken('GetUser');
  const update = byToken('UpdateUserAttributes');
  const sendCode = byToken('GetUserAttributeVerificationCode');
  const verify = byToken('VerifyUserAttribute');
  const deleteUser = byToken('DeleteUser');
  const preference = byToken('SetUserMFAPreference');
  const associate = op('AssociateSoftwareToken');
  const verifyTotp = op('VerifySoftwareToken');
  const revoke = op('RevokeToken');
  const confirmDevice = byToken('ConfirmDevice');
  const deviceStatus = byToken('UpdateDeviceStatus');
  const forgetDevice = byToken('ForgetDevice');

  return {
    signUp: (username, password, attributes, metadata) =>
      signUp(username, {
        Password: password,
        UserAttributes: attributes,
        ...(metadata === undefined ? {} : { ClientMetadata: metadata }),
      }),
    confirmSignUp: (username, code) =>
      confirmSignUp(username, { ConfirmationCode: code }).then(none),
    resendConfirmationCode: (username) => resend(username, {}),
    changePassword: (token, previous, proposed) =>
      changePassword(token, { PreviousPassword: previous, ProposedPassword: proposed }).then(none),
    getUser: (token) => getUser(token),
    updateUserAttributes: (token, attributes) => update(token, { UserAttributes: attributes }),
    getUserAttributeVerificationCode: (token, name) => sendCode(token, { AttributeName: name }),
    verifyUserAttribute: (token, name, code) =>
      verify(token, { AttributeName: name, Code: code }).then(none),
    deleteUser: (token) => deleteUser(token).then(none),
    associateSoftwareToken: (by) => associate(by),
    verifySoftwareToken: (by, code, deviceName) =>
      verifyTotp({
        ...by,
        UserCode: code,
        ...(deviceName === undefined ? {} : { FriendlyDeviceName: deviceName }),
      }),
    setUserMfaPreference: (token, settings) => preference(token, settings).then(none),
    confirmDevice: (token, DeviceKey, DeviceSecretVerifierConfig) =>
      confirmDevice(token, { DeviceKey, DeviceSecretVerifierConfig }).then(none),
    rememberDevice: (token, DeviceKey) =>
      deviceStatus(token, { DeviceKey, DeviceRememberedStatus: 'remembered' }).then(none),
    forgetDevice: (token, DeviceKey) => forgetDevice(token, { DeviceKey }).then(none),
    revokeToken: (refreshToken) =>
      revoke({
        Token: refreshToken,
        ClientId: clientId,
        ...(clientSecret === undefined ? {} : { ClientSecret: clientSecret }),
      }).then(none),
  };
}
