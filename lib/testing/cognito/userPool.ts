import { randomInt, timingSafeEqual } from 'node:crypto';

import { expectedClaim, N, sessionKey } from '../srp';
import type { ChallengeStore } from './challenges';
import { ServiceError } from './serviceError';
import { addUser, checkPasswordPolicy, userNamed } from './state';
import type { EmulatorState, UserRecord } from './state';
import type { TokenService } from './tokens';

/** One operation of the JSON protocol: the request body in, the answer body out. */
export type Operation = (body: Record<string, unknown>) => unknown;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const CODE_LIFETIME_MS = 3_600_000;

/**
 * The user pool (`AWSCognitoIdentityProviderService`), one handler per operation:
 *
 * - `InitiateAuth`: `USER_SRP_AUTH` (answers `PASSWORD_VERIFIER`), `USER_PASSWORD_AUTH`,
 *   `REFRESH_TOKEN_AUTH`;
 * - `RespondToAuthChallenge`: `PASSWORD_VERIFIER` (the client's SRP proof is verified), then
 *   `NEW_PASSWORD_REQUIRED`, `SMS_MFA`, `SOFTWARE_TOKEN_MFA`;
 * - `ForgotPassword`, `ConfirmForgotPassword`;
 * - `GlobalSignOut`.
 *
 * A correct password leads to: confirmation check, then a new password, then MFA, then tokens.
 */
export function userPoolOperations(
  state: EmulatorState,
  tokens: TokenService,
  challenges: ChallengeStore,
): Record<string, Operation> {
  function checkClient(body: Record<string, unknown>): void {
    if (body['ClientId'] !== state.clientId) {
      throw new ServiceError('ResourceNotFoundException', 'User pool client does not exist.');
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

  const signedIn = (user: UserRecord) => ({
    AuthenticationResult: tokens.issue(user, true),
    ChallengeParameters: {},
  });

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

  function afterNewPassword(user: UserRecord) {
    if (user.mfa === 'SMS_MFA') {
      return challenges.open(user, 'SMS_MFA', {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
        CODE_DELIVERY_DESTINATION: '+*******0100',
      });
    }
    if (user.mfa === 'SOFTWARE_TOKEN_MFA') return challenges.open(user, 'SOFTWARE_TOKEN_MFA', {});
    return signedIn(user);
  }

  const authFlows: Record<string, (parameters: Record<string, string>) => unknown> & {
    REFRESH_TOKEN_AUTH: (parameters: Record<string, string>) => unknown;
  } = {
    USER_SRP_AUTH(parameters) {
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
    },
    USER_PASSWORD_AUTH(parameters) {
      const user = userNamed(state, parameters['USERNAME']);
      checkEnabled(user);
      checkLockout(user);
      if (parameters['PASSWORD'] !== user.password) wrongPassword(user);
      return afterPassword(user);
    },
    REFRESH_TOKEN_AUTH(parameters) {
      const user = userNamed(state, tokens.redeemRefreshToken(parameters['REFRESH_TOKEN']));
      checkEnabled(user);
      return { AuthenticationResult: tokens.issue(user, false), ChallengeParameters: {} };
    },
  };
  authFlows['REFRESH_TOKEN'] = authFlows.REFRESH_TOKEN_AUTH;

  const challengeAnswers: Record<
    string,
    (user: UserRecord, responses: Record<string, string>, session: unknown) => unknown
  > = {
    NEW_PASSWORD_REQUIRED(user, responses, session) {
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
    },
    SMS_MFA: (user, responses, session) => answerMfa(user, responses['SMS_MFA_CODE'], session),
    SOFTWARE_TOKEN_MFA: (user, responses, session) =>
      answerMfa(user, responses['SOFTWARE_TOKEN_MFA_CODE'], session),
  };

  function answerMfa(user: UserRecord, code: string | undefined, session: unknown) {
    if (code !== (user.mfaCode ?? '123456')) {
      throw new ServiceError('CodeMismatchException', 'Invalid code or auth state for the user.');
    }
    challenges.close(session);
    return signedIn(user);
  }

  function passwordVerifier(responses: Record<string, string>) {
    const secretBlock = responses['PASSWORD_CLAIM_SECRET_BLOCK'] ?? '';
    const session = challenges.takeSrp(secretBlock);
    if (session === undefined) {
      throw new ServiceError(
        'NotAuthorizedException',
        'Invalid session for the user, session is expired.',
      );
    }
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

  return {
    InitiateAuth(body) {
      checkClient(body);
      const name = text(body['AuthFlow']);
      const flow = Object.hasOwn(authFlows, name) ? authFlows[name] : undefined;
      if (flow === undefined) {
        throw new ServiceError(
          'InvalidParameterException',
          `AuthFlow ${String(body['AuthFlow'])} is not supported.`,
        );
      }
      return flow((body['AuthParameters'] ?? {}) as Record<string, string>);
    },

    RespondToAuthChallenge(body) {
      const responses = (body['ChallengeResponses'] ?? {}) as Record<string, string>;
      const name = text(body['ChallengeName']);
      if (name === 'PASSWORD_VERIFIER') return passwordVerifier(responses);
      const answer = Object.hasOwn(challengeAnswers, name) ? challengeAnswers[name] : undefined;
      if (answer === undefined) {
        throw new ServiceError('InvalidParameterException', `Challenge ${name} is not supported.`);
      }
      const user = userNamed(state, challenges.pending(body['Session'], name));
      return answer(user, responses, body['Session']);
    },

    ForgotPassword(body) {
      checkClient(body);
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
    },

    ConfirmForgotPassword(body) {
      checkClient(body);
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
    },

    GlobalSignOut(body) {
      const claims = tokens.verifyAccessToken(body['AccessToken']);
      tokens.signOutEverywhere(String(claims['username']));
      return {};
    },
  };
}
