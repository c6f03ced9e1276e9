import { timingSafeEqual } from 'node:crypto';

import { expectedClaim, sessionKey } from '../srp';
import { EXPIRED } from './challenges';
import type { SignInContext } from './challenges';
import { checkClient, checkEnabled, checkLockout, wrongPassword } from './checks';
import type { OperationTable, PoolContext } from './context';
import { lookup, text } from './context';
import { customAuth } from './customAuth';
import { deviceSignIn } from './devices';
import { mfaChallenges } from './mfa';
import { beforeSignIn, checkFlowEnabled } from './preAuthentication';
import { ServiceError } from './serviceError';
import { checkPasswordPolicy, setPassword, userNamed } from './state';
import type { AnswerHandler, FlowHandler, Parameters, SignInSteps } from './signInSteps';
import { userAuth } from './userAuth';

/**
 * InitiateAuth and RespondToAuthChallenge. The flows and challenges come from one module each
 * (password and SRP here; MFA, choice-based `USER_AUTH`, `CUSTOM_AUTH`, devices beside it); this
 * one holds the order of a sign-in: password, new password, remembered device, MFA, tokens.
 */
export function signInOperations(ctx: PoolContext): OperationTable {
  const { state, tokens, challenges } = ctx;

  const steps: SignInSteps = {
    srpChallenge(user, srpA, signIn) {
      checkEnabled(user);
      checkLockout(ctx, user);
      const { B, secretBlock } = challenges.startSrp(user, srpA, signIn);
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

    afterPassword(user, signIn) {
      if (user.confirmed === false)
        throw new ServiceError('UserNotConfirmedException', 'User is not confirmed.');
      user.failedAttempts = 0;
      if (signIn.flow === 'CUSTOM_AUTH')
        return custom.continueAfter(user, signIn, 'PASSWORD_VERIFIER');
      if (user.newPasswordRequired) {
        return challenges.open(
          user,
          'NEW_PASSWORD_REQUIRED',
          {
            userAttributes: JSON.stringify(user.attributes ?? {}),
            requiredAttributes: JSON.stringify(
              (user.requiredAttributes ?? []).map((a) => `userAttributes.${a}`),
            ),
          },
          signIn,
        );
      }
      return steps.afterNewPassword(user, signIn);
    },

    afterNewPassword(user, signIn) {
      return devices.challenge(user, signIn) ?? mfa.step(user, signIn);
    },

    signedIn(user, signIn) {
      const device = devices.deviceFor(user, signIn);
      const result = tokens.issue(user, true, { deviceKey: device?.deviceKey });
      if (device?.isNew === true) {
        result['NewDeviceMetadata'] = {
          DeviceKey: device.deviceKey,
          DeviceGroupKey: device.groupKey,
        };
      }
      return { AuthenticationResult: result, ChallengeParameters: {} };
    },
  };

  const mfa = mfaChallenges(ctx, steps);
  const devices = deviceSignIn(ctx);
  const custom = customAuth(ctx, steps);
  const choice = userAuth(ctx, steps);

  // ---- The password flows ---------------------------------------------------------------------

  const userSrpAuth: FlowHandler = (parameters) =>
    steps.srpChallenge(userNamed(state, parameters['USERNAME']), parameters['SRP_A'], {
      flow: 'USER_SRP_AUTH',
      deviceKey: parameters['DEVICE_KEY'],
    });

  const userPasswordAuth: FlowHandler = (parameters) => {
    const user = userNamed(state, parameters['USERNAME']);
    checkEnabled(user);
    checkLockout(ctx, user);
    if (parameters['PASSWORD'] !== user.password) wrongPassword(ctx, user);
    return steps.afterPassword(user, {
      flow: 'USER_PASSWORD_AUTH',
      deviceKey: parameters['DEVICE_KEY'],
    });
  };

  const refreshTokenAuth: FlowHandler = (parameters) => {
    const redeemed = tokens.redeemRefreshToken(parameters['REFRESH_TOKEN']);
    const user = userNamed(state, redeemed.username);
    checkEnabled(user);
    return { AuthenticationResult: tokens.issue(user, false, redeemed), ChallengeParameters: {} };
  };

  /** The client's SRP proof, against the user's verifier (or a device's). */
  function verifySrpClaim(responses: Parameters) {
    const secretBlock = responses['PASSWORD_CLAIM_SECRET_BLOCK'] ?? '';
    const session = challenges.takeSrp(secretBlock);
    if (session === undefined) throw new ServiceError('NotAuthorizedException', EXPIRED);
    if (session.username !== responses['USERNAME'] && session.deviceKey === undefined) {
      throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
    }
    const user = userNamed(state, session.username);
    const key = sessionKey(session.A, session.B, session.b, session.verifier);
    const device =
      session.deviceKey === undefined ? undefined : state.devices.get(session.deviceKey);
    const expected = Buffer.from(
      expectedClaim(
        key,
        device?.groupKey ?? state.poolName,
        device?.deviceKey ?? user.username,
        Buffer.from(secretBlock, 'base64'),
        responses['TIMESTAMP'] ?? '',
      ),
    );
    const given = Buffer.from(responses['PASSWORD_CLAIM_SIGNATURE'] ?? '');
    const right = given.length === expected.length && timingSafeEqual(given, expected);
    return { user, right, signIn: session.signIn, deviceKey: session.deviceKey };
  }

  const passwordVerifier = (responses: Parameters) => {
    // amazon-cognito-identity-js names its remembered device here; an unknown one is refused
    // before the exchange is spent, so the client can answer again without it.
    const named: unknown = responses['DEVICE_KEY'];
    const deviceKey = typeof named === 'string' ? named : undefined;
    if (
      state.deviceConfiguration !== undefined &&
      deviceKey !== undefined &&
      !state.devices.has(deviceKey)
    ) {
      throw new ServiceError('ResourceNotFoundException', 'Device does not exist.');
    }
    const { user, right, signIn } = verifySrpClaim(responses);
    if (!right) wrongPassword(ctx, user);
    return steps.afterPassword(user, deviceKey === undefined ? signIn : { ...signIn, deviceKey });
  };

  const devicePasswordVerifier = (responses: Parameters, session: unknown) => {
    const { user, right, signIn, deviceKey } = verifySrpClaim(responses);
    challenges.close(session);
    if (!right || deviceKey === undefined) {
      throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
    }
    return steps.signedIn(user, { ...signIn, deviceKey, deviceAuthenticated: true });
  };

  const newPasswordRequired: AnswerHandler = (user, responses, signIn) => {
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
    user.attributes = attributes;
    setPassword(user, state, password);
    return steps.afterNewPassword(user, signIn);
  };

  // ---- The tables -----------------------------------------------------------------------------

  const authFlows: Record<string, FlowHandler> = {
    USER_SRP_AUTH: userSrpAuth,
    USER_PASSWORD_AUTH: userPasswordAuth,
    REFRESH_TOKEN_AUTH: refreshTokenAuth,
    REFRESH_TOKEN: refreshTokenAuth,
    ...custom.flows,
    ...choice.flows,
  };

  const answers: Record<string, AnswerHandler> = {
    NEW_PASSWORD_REQUIRED: newPasswordRequired,
    ...mfa.answers,
    ...devices.answers,
    ...custom.answers,
    ...choice.answers,
  };

  /** The user a flow names, for SECRET_HASH; a refresh names none, its token's owner counts. */
  function usernameOf(parameters: Parameters): string | undefined {
    if (parameters['USERNAME'] !== undefined) return parameters['USERNAME'];
    try {
      return tokens.redeemRefreshToken(parameters['REFRESH_TOKEN']).username;
    } catch {
      return undefined;
    }
  }

  return {
    ...devices.operations,
    async InitiateAuth(body) {
      const parameters = (body['AuthParameters'] ?? {}) as Parameters;
      checkClient(ctx, body, usernameOf(parameters), parameters['SECRET_HASH']);
      const name = text(body['AuthFlow']);
      const flow = lookup(authFlows, name);
      if (flow === undefined) {
        throw new ServiceError(
          'InvalidParameterException',
          `AuthFlow ${String(body['AuthFlow'])} is not supported.`,
        );
      }
      checkFlowEnabled(ctx, name);
      const user =
        typeof parameters['USERNAME'] === 'string'
          ? state.users.get(parameters['USERNAME'])
          : undefined;
      if (user !== undefined && !name.startsWith('REFRESH_TOKEN')) {
        await beforeSignIn(ctx, user, body);
      }
      return flow(parameters, body);
    },

    async RespondToAuthChallenge(body) {
      const responses = (body['ChallengeResponses'] ?? {}) as Parameters;
      checkClient(ctx, body, responses['USERNAME'], responses['SECRET_HASH']);
      const name = text(body['ChallengeName']);
      if (name === 'PASSWORD_VERIFIER') return passwordVerifier(responses);
      if (name === 'DEVICE_PASSWORD_VERIFIER')
        return devicePasswordVerifier(responses, body['Session']);
      const answer = lookup(answers, name);
      if (answer === undefined) {
        throw new ServiceError('InvalidParameterException', `Challenge ${name} is not supported.`);
      }
      const user = userNamed(state, challenges.pending(body['Session'], name));
      const signIn: SignInContext = challenges.context(body['Session']);
      const result = await answer(user, responses, signIn, body);
      challenges.close(body['Session']);
      return result;
    },
  };
}
