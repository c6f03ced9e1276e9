import { ConfigurationError } from '../index';
import { requireText } from './signUpFlow';
import type { Sha256Constructor } from '../signing/sha256';
import { AuthError, CognitoServiceError } from './errors';
import { CognitoFailure, missingAttributesError, toAuthError } from './failures';
import type { AccountClient } from './accountClient';
import { list, moreChallenges, parsed } from './challengeSteps';
import type { Device, Devices } from './devices';
import { passwordClaim, startSrp } from './srp';
import type { AuthAnswer, UserPoolClient } from './userPoolClient';
import type { SignInResult } from './types';

/** The three tokens of a sign-in, as Cognito issued them. */
export interface IssuedTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

/** What one sign-in attempt needs from the session it may start. */
export interface SignInAttempt {
  /** Rejects with `ERR_SIGN_IN_SUPERSEDED` when a later sign-in or a sign-out came first. */
  check(): void;
  /** Starts the session of the signed-in user (checks first); may fail (storage). */
  commit(username: string, tokens: IssuedTokens): void | Promise<void>;
}

/** What the steps of a sign-in share. */
export interface SignInContext {
  client: UserPoolClient;
  /** The part of the user pool id after `_`: SRP's pool name. */
  poolName: string;
  sha256?: Sha256Constructor | undefined;
  attempt: SignInAttempt;
  /** The clock of the SRP `TIMESTAMP`. */
  now?: () => Date;
  /** The configured user pool id: checked when Cognito refuses the password proof. */
  userPoolId?: string;
  /** The account operations `MFA_SETUP` needs (AssociateSoftwareToken by `Session`). */
  accounts?: AccountClient | undefined;
  /** Remembered devices (sign-ins name theirs and answer `DEVICE_SRP_AUTH`). */
  devices?: Devices | undefined;
  /**
   * The remembered device this sign-in named (`DEVICE_KEY`), read once at its start;
   * `undefined` when it named none, or no longer names a refused one. Absent when the sign-in
   * began without reading it (custom auth without a password, choice-based sign-in):
   * `DEVICE_SRP_AUTH` reads it then.
   */
  device?: Device | undefined;
}

const present = (value: string | undefined) => typeof value === 'string' && value !== '';

/**
 * Where a challenge apig-signer does not answer is turned on, so the message says what to
 * change. MFA methods and device tracking are user-pool settings, not app-client ones.
 */
function unsupportedHint(name: string): string {
  if (/OTP|MFA/.test(name)) {
    return 'allow SMS, email or TOTP MFA in the user pool (not the app client)';
  }
  if (name.startsWith('DEVICE_')) {
    return "it comes from device tracking, a setting of the user pool: turn off 'remember devices'";
  }
  if (/^(WEB_AUTHN|PASSWORD)$/.test(name)) {
    return 'it belongs to choice-based sign-in (USER_AUTH): ask for another `preferredChallenge`';
  }
  return "check the user pool's sign-in, MFA and Lambda trigger settings";
}

export function unsupportedChallenge(name: string): AuthError {
  return new AuthError(
    'ERR_UNSUPPORTED_CHALLENGE',
    `Cognito asked for the ${name} challenge, which apig-signer does not answer: ${unsupportedHint(name)}.`,
    { challengeName: name },
  );
}

/**
 * Signs in with a password: `USER_SRP_AUTH` (the SRP exchange, then `PASSWORD_VERIFIER`) or
 * `USER_PASSWORD_AUTH`, then whatever Cognito asks next. Every failure, a throw inside a step
 * included, rejects the returned promise with a typed error.
 */
export async function signInWithPassword(
  context: SignInContext,
  flow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'CUSTOM_AUTH' | 'USER_AUTH',
  username: string,
  password: string,
  /** More `AuthParameters` of the SRP start: custom auth's `CHALLENGE_NAME: 'SRP_A'`, … */
  extra: Record<string, string> = {},
): Promise<SignInResult> {
  try {
    // A remembered device names itself, so Cognito asks for its proof instead of MFA.
    const device = await context.devices?.read(username);
    try {
      return await passwordSteps({ ...context, device }, flow, username, password, extra);
    } catch (error) {
      if (!(error instanceof DeviceRefused)) throw error;
      // The device's proof was refused: the password was right, so sign in once more as a
      // device Cognito does not know (MFA then asks again). Without a device this sign-in
      // cannot be refused one, even when forgetting it in storage failed.
      return await passwordSteps(
        { ...context, device: undefined },
        flow,
        username,
        password,
        extra,
      );
    }
  } catch (error) {
    throw await wrongPoolOr(context, toAuthError(error, flow));
  }
}

/** One pass of {@link signInWithPassword}, naming `context.device` if any. */
async function passwordSteps(
  context: SignInContext,
  flow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'CUSTOM_AUTH' | 'USER_AUTH',
  username: string,
  password: string,
  extra: Record<string, string>,
): Promise<SignInResult> {
  const { client, device } = context;
  const deviceKey: Record<string, string> = device ? { DEVICE_KEY: device.deviceKey } : {};
  if (flow === 'USER_PASSWORD_AUTH') {
    const answer = await client.initiateAuth(
      'Signing in',
      flow,
      { ...deviceKey, USERNAME: username, PASSWORD: password },
      username,
    );
    return nextStep(context, answer, username);
  }
  const start = startSrp();
  const first = await client.initiateAuth(
    'Signing in',
    flow,
    { ...extra, ...deviceKey, USERNAME: username, SRP_A: start.srpA },
    username,
  );
  context.attempt.check();
  if (first.ChallengeName !== 'PASSWORD_VERIFIER') return nextStep(context, first, username);
  const parameters = first.ChallengeParameters ?? {};
  // From here on Cognito knows the user by USER_ID_FOR_SRP (their `sub` when they signed in
  // with an alias); amazon-cognito-identity-js keys storage by it too.
  const userId = parameters['USER_ID_FOR_SRP'] ?? username;
  const claim = await passwordClaim({
    poolName: context.poolName,
    userId,
    password,
    srpB: parameters['SRP_B'] ?? '',
    salt: parameters['SALT'] ?? '',
    secretBlock: parameters['SECRET_BLOCK'] ?? '',
    start,
    now: (context.now ?? (() => new Date()))(),
    sha256: context.sha256,
  });
  context.attempt.check();
  const verify = (named: Record<string, string>) =>
    client.respondToAuthChallenge(
      'PASSWORD_VERIFIER',
      first.Session,
      {
        ...named,
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: parameters['SECRET_BLOCK'] ?? '',
        TIMESTAMP: claim.timestamp,
        PASSWORD_CLAIM_SIGNATURE: claim.signature,
      },
      userId,
    );
  let answer: AuthAnswer;
  try {
    answer = await verify(deviceKey);
  } catch (error) {
    // The device this storage remembers was forgotten at Cognito (by another device, or an
    // administrator): Cognito refuses it before it spends the exchange, so forget it here too
    // and answer again without it, as amazon-cognito-identity-js does.
    if (device === undefined || !deviceRefusal(error)) throw error;
    await context.devices?.forget(username).catch(() => undefined);
    answer = await verify({});
    context = { ...context, device: undefined };
  }
  return nextStep(context, answer, userId);
}

/**
 * Cognito does not know the device named (`ResourceNotFoundException`, "Device does not
 * exist."), or, with `proof`, refused the device's proof: what {@link toAuthError} calls a
 * wrong password (not an expired or spent session, a lockout, a disabled user or a setting).
 */
function deviceRefusal(error: unknown, proof?: boolean): boolean {
  return (
    error instanceof CognitoFailure &&
    (/device/i.test(error.message)
      ? error.code === 'ResourceNotFoundException'
      : proof === true && toAuthError(error).code === 'ERR_WRONG_PASSWORD')
  );
}

/**
 * A remembered device whose proof Cognito refused (it no longer knows the device, or the
 * device's secret in storage is not the one Cognito confirmed); the device is forgotten here.
 * `signInWithPassword` starts again without it; elsewhere it is {@link AuthError}
 * `ERR_CHALLENGE_EXPIRED`: call signIn() again.
 */
class DeviceRefused extends AuthError {
  constructor(cause: unknown) {
    super(
      'ERR_CHALLENGE_EXPIRED',
      'Cognito refused this device, now forgotten here: call signIn() again.',
      { cause },
    );
  }
}

/**
 * A refused password proof is what a wrong `userPoolId` gives too (the proof hashes the pool's
 * name): once per refusal, ask whether that user pool exists, and say so when it does not.
 */
async function wrongPoolOr(context: SignInContext, error: Error): Promise<Error> {
  const { userPoolId } = context;
  if (!(error instanceof AuthError) || error.code !== 'ERR_WRONG_PASSWORD') return error;
  if (userPoolId === undefined || (await context.client.userPoolExists(userPoolId)) !== false) {
    return error;
  }
  return new ConfigurationError(
    'ERR_CONFIGURATION',
    `Cognito refused the password proof, and there is no user pool ${userPoolId}: check \`userPoolId\`.`,
    { cause: error },
  );
}

/** Answers a challenge, then the step after it; failures are typed errors. */
async function answerChallenge(
  context: SignInContext,
  name: string,
  session: string | undefined,
  responses: Record<string, string>,
  username: string,
): Promise<SignInResult> {
  try {
    context.attempt.check();
    const answer = await context.client.respondToAuthChallenge(
      name,
      session,
      { USERNAME: username, ...responses },
      username,
    );
    return await nextStep(context, answer, username);
  } catch (error) {
    throw toAuthError(error);
  }
}

/** One answer of Cognito as a result: signed in (the attempt commits), or a challenge. */
export async function nextStep(
  context: SignInContext,
  answer: AuthAnswer,
  username: string,
): Promise<SignInResult> {
  context.attempt.check();
  const result = answer.AuthenticationResult;
  if (result !== undefined && answer.ChallengeName === undefined) {
    const { IdToken, AccessToken, RefreshToken } = result;
    if (
      typeof IdToken !== 'string' ||
      typeof AccessToken !== 'string' ||
      typeof RefreshToken !== 'string' ||
      !present(IdToken) ||
      !present(AccessToken) ||
      !present(RefreshToken)
    ) {
      throw new CognitoServiceError(
        'ERR_COGNITO',
        'Signing in: Cognito answered without the ID, access and refresh tokens.',
      );
    }
    await context.attempt.commit(username, {
      idToken: IdToken,
      accessToken: AccessToken,
      refreshToken: RefreshToken,
    });
    // A device Cognito just met is confirmed once and kept; a later sign-in names it (above),
    // so Cognito registers no second device. Best effort: when confirming fails the user is
    // signed in all the same, as a device that is not remembered.
    const metadata = result.NewDeviceMetadata;
    if (metadata !== undefined && context.devices !== undefined) {
      await context.devices.confirm(username, AccessToken, metadata).catch(() => undefined);
    }
    return { username };
  }
  const name = answer.ChallengeName ?? '(none)';
  const parameters = answer.ChallengeParameters ?? {};
  const session = answer.Session;
  const next = (responses: Record<string, string>) =>
    answerChallenge(context, name, session, responses, username);
  switch (name) {
    case 'DEVICE_SRP_AUTH': {
      const { devices } = context;
      const device = 'device' in context ? context.device : await devices?.read(username);
      if (devices === undefined || device === undefined) throw unsupportedChallenge(name);
      const now = (context.now ?? (() => new Date()))();
      let proved: AuthAnswer;
      try {
        proved = await devices.prove(device, username, session, now);
      } catch (error) {
        // An unknown device, or a proof refused: it can never sign in again as it is.
        if (!deviceRefusal(error, true)) throw error;
        await devices.forget(username).catch(() => undefined);
        throw new DeviceRefused(error);
      }
      return nextStep(context, proved, username);
    }
    case 'NEW_PASSWORD_REQUIRED': {
      const isRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
      const attributes = parsed<Record<string, string>>(parameters['userAttributes'], {}, isRecord);
      // Cognito returns these, but refuses them back in the answer.
      delete attributes['email_verified'];
      delete attributes['phone_number_verified'];
      const required = list(parameters['requiredAttributes']).map((item) =>
        item.replace(/^userAttributes\./, ''),
      );
      return {
        username,
        challenge: {
          name,
          userAttributes: attributes,
          requiredAttributes: required,
          answer: async (newPassword, given = {}) => {
            context.attempt.check();
            requireText(newPassword, 'answer(newPassword)');
            const missing = required.filter(
              (attribute) => !present(given[attribute]) && !present(attributes[attribute]),
            );
            if (missing.length > 0) throw missingAttributesError(missing);
            const responses: Record<string, string> = { NEW_PASSWORD: newPassword };
            for (const [key, value] of Object.entries(given)) {
              responses[`userAttributes.${key}`] = value;
            }
            return next(responses);
          },
        },
      };
    }
    default: {
      const more = moreChallenges(context, answer, username, (responses, later = session) =>
        answerChallenge(context, name, later, responses, username),
      );
      if (more === undefined) throw unsupportedChallenge(name);
      return more;
    }
  }
}
