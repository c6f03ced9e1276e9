import type { SignInContext } from './challenges';
import type { PoolContext } from './context';
import type { Outbox } from './outbox';
import { ServiceError } from './serviceError';
import type { UserRecord } from './state';
import type { AnswerHandler, SignInSteps } from './signInSteps';
import { totpMatches } from './totp';
import type { EmulatedMfaType } from './types';

/** Cognito's refusal of a wrong one-time code (MFA and `USER_AUTH`'s codes alike). */
export const WRONG_CODE = {
  type: 'CodeMismatchException',
  message: 'Invalid code or auth state for the user.',
};
/** Cognito's order when it lists the methods a user can choose. */
const ORDER: EmulatedMfaType[] = ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'];

/**
 * The MFA step of a sign-in: `SMS_MFA`, `SOFTWARE_TOKEN_MFA` (TOTP), `EMAIL_OTP`,
 * `SELECT_MFA_TYPE` when several are enabled and none preferred, and `MFA_SETUP` when the pool
 * requires MFA and the user has none (TOTP set up inside the sign-in with
 * AssociateSoftwareToken / VerifySoftwareToken by `Session`).
 */
export function mfaChallenges(
  ctx: PoolContext,
  steps: SignInSteps,
): {
  step(user: UserRecord, signIn: SignInContext): unknown;
  answers: Record<string, AnswerHandler>;
} {
  const { state, challenges, outbox } = ctx;

  /** A user given `mfa` at creation (without a TOTP secret) answers with the fixed `mfaCode`. */
  const fixedCode = (user: UserRecord, type: EmulatedMfaType) =>
    user.mfa === type && user.totpSecret === undefined && type !== 'EMAIL_OTP';

  function open(user: UserRecord, type: EmulatedMfaType, signIn: SignInContext) {
    if (type === 'SOFTWARE_TOKEN_MFA') return challenges.open(user, type, {}, signIn);
    if (type === 'SMS_MFA' && fixedCode(user, type)) {
      return challenges.open(
        user,
        type,
        { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******0100' },
        signIn,
      );
    }
    return challenges.open(user, type, deliveryParameters(outbox, user, type), signIn);
  }

  function step(user: UserRecord, signIn: SignInContext) {
    if (signIn.deviceAuthenticated === true || state.mfaConfiguration === 'OFF') {
      return steps.signedIn(user, signIn);
    }
    const enabled = ORDER.filter((type) => user.mfaEnabled.has(type));
    if (enabled.length === 0) {
      if (state.mfaConfiguration !== 'ON') return steps.signedIn(user, signIn);
      return challenges.open(
        user,
        'MFA_SETUP',
        { MFAS_CAN_SETUP: JSON.stringify(['SOFTWARE_TOKEN_MFA']) },
        signIn,
      );
    }
    const preferred = user.mfaPreferred;
    if (preferred !== undefined && user.mfaEnabled.has(preferred))
      return open(user, preferred, signIn);
    const [only] = enabled;
    if (enabled.length === 1 && only !== undefined) return open(user, only, signIn);
    return challenges.open(
      user,
      'SELECT_MFA_TYPE',
      { MFAS_CAN_CHOOSE: JSON.stringify(enabled) },
      signIn,
    );
  }

  function checkTotp(user: UserRecord, code: string | undefined) {
    const secret = user.softwareToken?.verified === true ? user.softwareToken.secret : undefined;
    const right =
      secret === undefined
        ? code === (user.mfaCode ?? '123456')
        : totpMatches(secret, code, state.now());
    if (!right) throw new ServiceError(WRONG_CODE.type, WRONG_CODE.message);
  }

  const answers: Record<string, AnswerHandler> = {
    SMS_MFA(user, responses, signIn) {
      const code = responses['SMS_MFA_CODE'];
      if (fixedCode(user, 'SMS_MFA')) {
        if (code !== (user.mfaCode ?? '123456'))
          throw new ServiceError(WRONG_CODE.type, WRONG_CODE.message);
      } else {
        outbox.spend(user, 'SMS_MFA', code, undefined, WRONG_CODE);
      }
      return steps.signedIn(user, signIn);
    },

    SOFTWARE_TOKEN_MFA(user, responses, signIn) {
      checkTotp(user, responses['SOFTWARE_TOKEN_MFA_CODE']);
      return steps.signedIn(user, signIn);
    },

    /** As MFA after a password, or as the first factor of `USER_AUTH`. */
    EMAIL_OTP(user, responses, signIn) {
      outbox.spend(user, 'EMAIL_OTP', responses['EMAIL_OTP_CODE'], undefined, WRONG_CODE);
      return steps.signedIn(user, signIn);
    },

    SELECT_MFA_TYPE(user, responses, signIn) {
      const type = responses['ANSWER'] as EmulatedMfaType;
      if (!user.mfaEnabled.has(type)) {
        throw new ServiceError(
          'InvalidParameterException',
          `${String(type)} is not enabled for the user.`,
        );
      }
      return open(user, type, signIn);
    },

    MFA_SETUP(user, _responses, signIn) {
      if (user.softwareToken?.verified !== true) {
        throw new ServiceError(
          'InvalidParameterException',
          'Software token MFA has not been verified: call VerifySoftwareToken first.',
        );
      }
      return steps.signedIn(user, signIn);
    },
  };

  return { step, answers };
}

/** Sends an OTP for a challenge and returns its `CODE_DELIVERY_*` parameters. */
export function deliveryParameters(
  outbox: Outbox,
  user: UserRecord,
  type: 'SMS_MFA' | 'EMAIL_OTP' | 'SMS_OTP',
): Record<string, string> {
  const attribute = type === 'EMAIL_OTP' ? 'email' : 'phone_number';
  if (user.attributes?.[attribute] === undefined) {
    throw new ServiceError(
      'InvalidParameterException',
      `The user has no ${attribute} to send the ${type} code to.`,
    );
  }
  const details = outbox.send(user, type, attribute);
  if (details === undefined) throw new ServiceError('InvalidParameterException', 'No destination.');
  return {
    CODE_DELIVERY_DELIVERY_MEDIUM: details.DeliveryMedium,
    CODE_DELIVERY_DESTINATION: details.Destination,
  };
}
