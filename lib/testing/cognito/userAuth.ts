import type { SignInContext } from './challenges';
import { checkEnabled, checkLockout, wrongPassword } from './checks';
import type { PoolContext } from './context';
import { deliveryParameters, WRONG_CODE } from './mfa';
import { ServiceError } from './serviceError';
import { userNamed } from './state';
import type { UserRecord } from './state';
import type { AnswerHandler, FlowHandler, Parameters, SignInSteps } from './signInSteps';

/**
 * Choice-based sign-in (`USER_AUTH`): the client names a first factor (`PREFERRED_CHALLENGE`:
 * `PASSWORD`, `PASSWORD_SRP`, `EMAIL_OTP`, `SMS_OTP`) or gets `SELECT_CHALLENGE` with the
 * factors this user can use (`AvailableChallenges`: OTPs need an email / phone number) and
 * answers with one. A password goes on to MFA; a one-time code signs in at once.
 */
export function userAuth(
  ctx: PoolContext,
  steps: SignInSteps,
): { flows: Record<string, FlowHandler>; answers: Record<string, AnswerHandler> } {
  const { state, challenges, outbox } = ctx;

  function available(user: UserRecord): string[] {
    const factors = ['PASSWORD', 'PASSWORD_SRP'];
    if (user.attributes?.['email'] !== undefined) factors.push('EMAIL_OTP');
    if (user.attributes?.['phone_number'] !== undefined) factors.push('SMS_OTP');
    return factors;
  }

  function start(user: UserRecord, factor: string, parameters: Parameters, signIn: SignInContext) {
    switch (factor) {
      case 'PASSWORD':
        checkLockout(ctx, user);
        if (parameters['PASSWORD'] !== user.password) wrongPassword(ctx, user);
        return steps.afterPassword(user, signIn);
      case 'PASSWORD_SRP':
        return steps.srpChallenge(user, parameters['SRP_A'], signIn);
      case 'EMAIL_OTP':
      case 'SMS_OTP':
        if (user.confirmed === false)
          throw new ServiceError('UserNotConfirmedException', 'User is not confirmed.');
        return challenges.open(user, factor, deliveryParameters(outbox, user, factor), signIn);
      default:
        throw new ServiceError(
          'InvalidParameterException',
          `${factor} is not an available challenge: use one of ${available(user).join(', ')}.`,
        );
    }
  }

  return {
    flows: {
      USER_AUTH(parameters) {
        const user = userNamed(state, parameters['USERNAME']);
        checkEnabled(user);
        const signIn: SignInContext = { flow: 'USER_AUTH', deviceKey: parameters['DEVICE_KEY'] };
        const preferred = parameters['PREFERRED_CHALLENGE'];
        const factors = available(user);
        if (preferred !== undefined && factors.includes(preferred)) {
          return start(user, preferred, parameters, signIn);
        }
        return {
          ...challenges.open(user, 'SELECT_CHALLENGE', {}, signIn),
          AvailableChallenges: factors,
        };
      },
    },
    answers: {
      SELECT_CHALLENGE: (user, responses, signIn) =>
        start(user, responses['ANSWER'] ?? '', responses, signIn),
      SMS_OTP(user, responses, signIn) {
        outbox.spend(user, 'SMS_OTP', responses['SMS_OTP_CODE'], undefined, WRONG_CODE);
        return steps.signedIn(user, signIn);
      },
    },
  };
}
