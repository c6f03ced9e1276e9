import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

import { expectedClaim, N, sessionKey } from '../srp';
import type { ChallengeStore } from './challenges';
import { ServiceError } from './serviceError';
import { addUser, checkPasswordPolicy, userNamed } from './state';
import type { EmulatorState, UserRecord } from './state';
import type { TokenService } from './tokens';

/** One operation of the JSON protocol: the request body in, the answer body out. */
export type Operation = (body: Record<string, unknown>) => unknown;

type Parameters = Record<string, string>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const CODE_LIFETIME_MS = 3_600_000;
const SESSION_EXPIRED = 'Invalid session for the user, session is expired.';

/** A table lookup that ignores what `Object.prototype` has (`toString`, `__proto__`). */
function lookup<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * The user pool (`AWSCognitoIdentityProviderService`), one handler per operation, in the order
 * a sign-in meets them:
 *
 * 1. `InitiateAuth`: `USER_SRP_AUTH` answers the `PASSWORD_VERIFIER` challenge;
 *    `USER_PASSWORD_AUTH` checks the password at once; `REFRESH_TOKEN_AUTH` renews the tokens.
 * 2. `RespondToAuthChallenge`: `PASSWORD_VERIFIER` (the client's SRP proof is verified), then
 *    `NEW_PASSWORD_REQUIRED`, then `SMS_MFA` / `SOFTWARE_TOKEN_MFA`, then tokens.
 * 3. `ForgotPassword`, `ConfirmForgotPassword`: a password reset by code.
 * 4. `GlobalSignOut`: every token of the user revoked.
 */
export function userPoolOperations(
  state: EmulatorState,
  tokens: TokenService,
  challenges: ChallengeStore,
): Record<string, Operation> {
  // ---- 1. InitiateAuth ------------------------------------------------------------------------

  function initiateAuth(body: Record<string, unknown>) {
    checkClient(body);
    const flow = lookup(authFlows, text(body['AuthFlow']));
    if (flow === undefined) {
      throw new ServiceError(
        'InvalidParameterException',
        `AuthFlow ${String(body['AuthFlow'])} is not supported.`,
      );
    }
    const parameters = (body['AuthParameters'] ?? {}) as Parameters;
    checkSecretHash(parameters['SECRET_HASH'], parameters['USERNAME']);
    return flow(parameters);
  }

  function userSrpAuth(parameters: Parameters) {
    const user = userNamed(state, parameters['USERNAME']);
    checkEnabled(user);
    checkLockout(user);
    const A = BigInt(`0x${parameters['SRP_A'] ?? '0'}`);
    if (A % N === 0n) throw new ServiceError('InvalidParameterException', 'SRP_A is invalid.');
    const { B, secretBlock } = challenges.startSrp(user, A);
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        USER_ID_FOR_SRP: user.username,
        USERNAME: user.username,
        SRP_B: B.toString(16),
        SALT: user.salt,
        SECRET_BLOCK: secretBlock,
      },
    };
  }

  function userPasswordAuth(parameters: Parameters) {
    const user = userNamed(state, parameters['USERNAME']);
    checkEnabled(user);
    checkLockout(user);
    if (parameters['PASSWORD'] !== user.password) wrongPassword(user);
    return afterPassword(user);
  }

  function refreshTokenAuth(parameters: Parameters) {
    const user = userNamed(state, tokens.redeemRefreshToken(parameters['REFRESH_TOKEN']));
    checkEnabled(user);
    return { AuthenticationResult: tokens.issue(user, false), ChallengeParameters: {} };
  }

  // ---- 2. RespondToAuthChallenge --------------------------------------------------------------

  function respondToAuthChallenge(body: Record<string, unknown>) {
    checkClient(body);
    const responses = (body['ChallengeResponses'] ?? {}) as Parameters;
    checkSecretHash(responses['SECRET_HASH'], responses['USERNAME']);
    const name = text(body['ChallengeName']);
    if (name === 'PASSWORD_VERIFIER') return passwordVerifier(responses);
    const answer = lookup(challengeAnswers, name);
    if (answer === undefined) {
      throw new ServiceError('InvalidParameterException', `Challenge ${name} is not supported.`);
    }
    const user = userNamed(state, challenges.pending(body['Session'], name));
    return answer(user, responses, body['Session']);
  }

  function passwordVerifier(responses: Parameters) {
    const secretBlock = responses['PASSWORD_CLAIM_SECRET_BLOCK'] ?? '';
    const session = challenges.takeSrp(secretBlock);
    if (session === undefined) throw new ServiceError('NotAuthorizedException', SESSION_EXPIRED);
    if (session.username !== responses['USERNAME']) {
      throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
    }
    const user = userNamed(state, session.username);
    const key = sessionKey(session.A, session.B, session.b, user.verifier);
    const expected = Buffer.from(
      expectedClaim(
        key,
        state.poolName,
        user.username,
        Buffer.from(secretBlock, 'base64'),
        responses['TIMESTAMP'] ?? '',
      ),
    );
    const given = Buffer.from(responses['PASSWORD_CLAIM_SIGNATURE'] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) wrongPassword(user);
    return afterPassword(user);
  }

  /** What follows a correct password: confirmation, then a new password, then MFA, then tokens. */
  function afterPassword(user: UserRecord) {
    if (user.confirmed === false)
      throw new ServiceError('UserNotConfirmedException', 'User is not confirmed.');
    user.failedAttempts = 0;
    if (user.newPasswordRequired) {
      return challenges.open(user, 'NEW_PASSWORD_REQUIRED', {
        userAttributes: JSON.stringify(user.attributes ?? {}),
        requiredAttributes: JSON.stringify(
          (user.requiredAttributes ?? []).map((a) => `userAttributes.${a}`),
        ),
      });
    }
    return afterNewPassword(user);
  }

  function newPasswordRequired(user: UserRecord, responses: Parameters, session: unknown) {
    const password = checkPasswordPolicy(state, responses['NEW_PASSWORD']);
    const attributes = { ...user.attributes };
    for (const [key, value] of Object.entries(responses)) {
      if (key.startsWith('userAttributes.'))
        attributes[key.slice('userAttributes.'.length)] = value;
    }
    const missing = (user.requiredAttributes ?? []).filter((a) => !attributes[a]);
    if (missing.length > 0) {
      // Cognito's wording: "Invalid attributes given, name and address is missing".
      throw new ServiceError(
        'InvalidParameterException',
        `Invalid attributes given, ${missing.join(' and ')} is missing`,
      );
    }
    challenges.close(session);
    addUser(state, { ...user, password, attributes, newPasswordRequired: false });
    return afterNewPassword(userNamed(state, user.username));
  }

  function afterNewPassword(user: UserRecord) {
    if (user.mfa === 'SMS_MFA') {
      return challenges.open(user, 'SMS_MFA', {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
        CODE_DELIVERY_DESTINATION: '+*******0100',
      });
    }
    if (user.mfa === 'SOFTWARE_TOKEN_MFA') return challenges.open(user, 'SOFTWARE_TOKEN_MFA', {});
    if (user.mfa === 'EMAIL_OTP') {
      return challenges.open(user, 'EMAIL_OTP', {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
        CODE_DELIVERY_DESTINATION: 'a***@e***',
      });
    }
    return signedIn(user);
  }

  function answerMfa(user: UserRecord, code: string | undefined, session: unknown) {
    if (code !== (user.mfaCode ?? '123456')) {
      throw new ServiceError('CodeMismatchException', 'Invalid code or auth state for the user.');
    }
    challenges.close(session);
    return signedIn(user);
  }

  function signedIn(user: UserRecord) {
    return { AuthenticationResult: tokens.issue(user, true), ChallengeParameters: {} };
  }

  // ---- 3. ForgotPassword, ConfirmForgotPassword -----------------------------------------------

  function forgotPassword(body: Record<string, unknown>) {
    checkClient(body);
    checkSecretHash(body['SecretHash'], body['Username']);
    const user = userNamed(state, body['Username']);
    checkEnabled(user);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    user.resetCode = { code, expiresAt: state.now() + CODE_LIFETIME_MS };
    const email = user.attributes?.['email'];
    return {
      CodeDeliveryDetails:
        email === undefined
          ? { Destination: '+*******0100', DeliveryMedium: 'SMS', AttributeName: 'phone_number' }
          : {
              Destination: `${email.slice(0, 1)}***@***`,
              DeliveryMedium: 'EMAIL',
              AttributeName: 'email',
            },
    };
  }

  function confirmForgotPassword(body: Record<string, unknown>) {
    checkClient(body);
    checkSecretHash(body['SecretHash'], body['Username']);
    const user = userNamed(state, body['Username']);
    const pending = user.resetCode;
    if (pending === undefined || pending.code !== body['ConfirmationCode']) {
      throw new ServiceError(
        'CodeMismatchException',
        'Invalid verification code provided, please try again.',
      );
    }
    if (pending.expiresAt <= state.now()) {
      throw new ServiceError(
        'ExpiredCodeException',
        'Invalid code provided, please request a code again.',
      );
    }
    const password = checkPasswordPolicy(state, body['Password']);
    addUser(state, { ...user, password, newPasswordRequired: false });
    return {};
  }

  // ---- 4. GlobalSignOut -----------------------------------------------------------------------

  function globalSignOut(body: Record<string, unknown>) {
    const claims = tokens.verifyAccessToken(body['AccessToken']);
    tokens.signOutEverywhere(String(claims['username']));
    return {};
  }

  // ---- Checks shared by the operations --------------------------------------------------------

  function checkClient(body: Record<string, unknown>): void {
    if (body['ClientId'] !== state.clientId) {
      throw new ServiceError('ResourceNotFoundException', 'User pool client does not exist.');
    }
  }

  /**
   * An app client with a secret wants SECRET_HASH = base64(HMAC-SHA256(secret, user name ‖
   * client id)); Cognito's words when it is missing or wrong. A refresh has no user name here:
   * only its presence is checked.
   */
  function checkSecretHash(given: unknown, username: unknown): void {
    const secret = state.clientSecret;
    if (secret === undefined) return;
    if (typeof given !== 'string' || given === '') {
      throw new ServiceError(
        'NotAuthorizedException',
        `Client ${state.clientId} is configured for secret but secret was not received`,
      );
    }
    if (typeof username !== 'string') return;
    const expected = createHmac('sha256', secret)
      .update(`${username}${state.clientId}`)
      .digest('base64');
    if (given !== expected) {
      throw new ServiceError(
        'NotAuthorizedException',
        `Unable to verify secret hash for client ${state.clientId}`,
      );
    }
  }

  function checkEnabled(user: UserRecord): void {
    if (user.enabled === false)
      throw new ServiceError('NotAuthorizedException', 'User is disabled.');
  }

  function checkLockout(user: UserRecord): void {
    if (user.failedAttempts >= state.maxFailedAttempts) {
      user.failedAttempts += 1;
      throw new ServiceError('NotAuthorizedException', 'Password attempts exceeded');
    }
  }

  function wrongPassword(user: UserRecord): never {
    user.failedAttempts += 1;
    throw new ServiceError(
      'NotAuthorizedException',
      user.failedAttempts > state.maxFailedAttempts
        ? 'Password attempts exceeded'
        : 'Incorrect username or password.',
    );
  }

  // ---- The tables -----------------------------------------------------------------------------

  const authFlows: Record<string, (parameters: Parameters) => unknown> = {
    USER_SRP_AUTH: userSrpAuth,
    USER_PASSWORD_AUTH: userPasswordAuth,
    REFRESH_TOKEN_AUTH: refreshTokenAuth,
    REFRESH_TOKEN: refreshTokenAuth,
  };

  const challengeAnswers: Record<
    string,
    (user: UserRecord, responses: Parameters, session: unknown) => unknown
  > = {
    NEW_PASSWORD_REQUIRED: newPasswordRequired,
    SMS_MFA: (user, responses, session) => answerMfa(user, responses['SMS_MFA_CODE'], session),
    SOFTWARE_TOKEN_MFA: (user, responses, session) =>
      answerMfa(user, responses['SOFTWARE_TOKEN_MFA_CODE'], session),
    EMAIL_OTP: (user, responses, session) => answerMfa(user, responses['EMAIL_OTP_CODE'], session),
  };

  return {
    InitiateAuth: initiateAuth,
    RespondToAuthChallenge: respondToAuthChallenge,
    ForgotPassword: forgotPassword,
    ConfirmForgotPassword: confirmForgotPassword,
    GlobalSignOut: globalSignOut,
  };
}
