import { listenOnLoopback } from '../loopback';
import { createChallengeStore } from './challenges';
import { createFaultQueue } from './faults';
import { identityPoolOperations } from './identityPool';
import { createOutbox } from './outbox';
import { createEmulatorServer } from './server';
import { addUser, createState } from './state';
import { createTokenService } from './tokens';
import { totpCode } from './totp';
import type { CognitoEmulator, CognitoEmulatorOptions, EmulatorCall } from './types';
import { userPoolOperations } from './userPool';

export type {
  CognitoEmulator,
  CognitoEmulatorOptions,
  DeliveredCode,
  EmulatedAuthTriggers,
  EmulatedCodePurpose,
  EmulatedDevice,
  EmulatedDeviceConfiguration,
  EmulatedMfaType,
  EmulatedPasswordPolicy,
  EmulatedTrigger,
  EmulatedTriggerEvent,
  EmulatedUser,
  EmulatedUserView,
  EmulatorCall,
  EmulatorFault,
} from './types';

/**
 * Starts a stand-in for Amazon Cognito on 127.0.0.1, for tests and demos that run offline:
 *
 * - a user pool with the real SRP server side (`USER_SRP_AUTH`: the client's password proof is
 *   verified, so a wrong password fails), `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH` and
 *   `GetTokensFromRefreshToken`, choice-based `USER_AUTH` (password, SRP, email or SMS code),
 *   `CUSTOM_AUTH` driven by trigger functions, the challenges `NEW_PASSWORD_REQUIRED`,
 *   `SMS_MFA`, `SOFTWARE_TOKEN_MFA` (RFC 6238 TOTP), `EMAIL_OTP`, `SELECT_MFA_TYPE` and
 *   `MFA_SETUP` (their sessions expire), device tracking with device SRP, a password policy,
 *   sign-up and its confirmation, attributes and their verification, password change and reset,
 *   TOTP set-up and MFA preferences, account deletion, `RevokeToken` and `GlobalSignOut`,
 *   disabled users, app clients with a secret, RS256 tokens (with `origin_jti`) signed with a
 *   key made at start, and revocable refresh tokens; codes it "sends" are read with
 *   {@link CognitoEmulator.lastCode};
 * - an identity pool (`GetId`, `GetCredentialsForIdentity`) that checks the `Logins` key and the
 *   ID token (signature, audience, expiry), links a guest identity to the user who signs in on
 *   it, and issues temporary credentials that linked `startSigV4Gateway()` gateways accept.
 *
 * It speaks the services' JSON protocol, so `amazon-cognito-identity-js` and the AWS SDK clients
 * (and Amplify v6 Auth's sign-up, sign-in, TOTP, refresh and sign-out) talk to it unmodified when pointed at
 * {@link CognitoEmulator.url}, and any other operation is answered `UnknownOperationException`. It records every call and can inject
 * faults (throttling, 5xx, `NotAuthorizedException`, delays, stalls, reset connections, bodies
 * that are not JSON). `clockOffsetMs` runs its clock ahead of (or behind) the machine's.
 *
 * @param options - pool ids, users, lifetimes, password policy, guests, clock offset, linked
 * gateways.
 * @returns the running emulator; `close()` it when done.
 * @throws `ConfigurationError` (`ERR_CONFIGURATION`) for a numeric option that is not finite or
 * out of range; an error if the port cannot be listened on.
 *
 * @example
 * ```ts
 * import { startCognitoEmulator, startSigV4Gateway } from 'apig-signer/testing';
 * import { createCognitoAuth } from 'apig-signer/cognito';
 *
 * const gateway = await startSigV4Gateway();
 * const cognito = await startCognitoEmulator({
 *   users: [{ username: 'alice', password: 'correct horse' }],
 *   gateways: [gateway],
 * });
 * const auth = createCognitoAuth({
 *   region: cognito.region,
 *   userPoolId: cognito.userPoolId,
 *   clientId: cognito.clientId,
 *   identityPoolId: cognito.identityPoolId,
 *   endpoints: { userPool: cognito.url, identity: cognito.url },
 * });
 * await auth.signIn('alice', 'correct horse');
 * ```
 */
export async function startCognitoEmulator(
  options: CognitoEmulatorOptions = {},
): Promise<CognitoEmulator> {
  const state = createState(options);
  const tokens = createTokenService(state);
  const challenges = createChallengeStore(state);
  const outbox = createOutbox(state);
  const identityPool = identityPoolOperations(state, tokens);
  const faults = createFaultQueue();
  const calls: EmulatorCall[] = [];
  const emulatorServer = createEmulatorServer(
    {
      AWSCognitoIdentityProviderService: userPoolOperations({ state, tokens, challenges, outbox }),
      AWSCognitoIdentityService: identityPool.operations,
    },
    faults,
    calls,
  );
  const loopback = await listenOnLoopback(emulatorServer.server, options.port);
  const { port } = loopback;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    region: state.region,
    userPoolId: state.userPoolId,
    clientId: state.clientId,
    identityPoolId: state.identityPoolId,
    providerName: state.providerName,
    calls,
    count: (operation, detail) =>
      calls.filter(
        (c) => c.operation === operation && (detail === undefined || c.detail === detail),
      ).length,
    addUser: (user) => {
      addUser(state, user);
    },
    revokeRefreshTokens: (username) => {
      tokens.revokeRefreshTokens(username);
    },
    setUserEnabled(username, enabled) {
      const user = state.users.get(username);
      if (user !== undefined) user.enabled = enabled;
    },
    lastCode(username, purpose = 'ForgotPassword', attribute) {
      const user = state.users.get(username);
      return user === undefined ? undefined : outbox.pending(user, purpose, attribute);
    },
    sentCodes: outbox.sent,
    totpCode: (secret, atMs) => totpCode(secret, atMs ?? state.now()),
    user(username) {
      const user = state.users.get(username);
      if (user === undefined) return undefined;
      return {
        username: user.username,
        sub: user.sub,
        confirmed: user.confirmed !== false,
        enabled: user.enabled !== false,
        attributes: { ...user.attributes },
        verifiedAttributes: [...user.verified],
        mfaEnabled: [...user.mfaEnabled],
        mfaPreferred: user.mfaPreferred,
        totpSecret: user.softwareToken?.secret,
      };
    },
    devicesOf: (username) =>
      [...state.devices.values()]
        .filter((device) => device.username === username)
        .map((device) => ({
          deviceKey: device.deviceKey,
          deviceGroupKey: device.groupKey,
          name: device.name,
          confirmed: device.verifier !== undefined,
          remembered: device.remembered,
        })),
    identityIdOf(username) {
      const user = state.users.get(username);
      return user === undefined ? undefined : identityPool.directory.identityOf(user.sub);
    },
    linkGateway(gateway) {
      state.gateways.push(gateway);
      for (const credentials of state.issued) gateway.addCredentials(credentials);
    },
    fail: (fault) => {
      faults.add(fault);
    },
    clearFaults: () => {
      faults.clear();
    },
    close: () => {
      emulatorServer.release();
      return loopback.close();
    },
  };
}
