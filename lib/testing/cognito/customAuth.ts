import type { CustomAuthStep, SignInContext } from './challenges';
import { checkEnabled } from './checks';
import type { PoolContext } from './context';
import { attributesOf } from './attributes';
import { ServiceError } from './serviceError';
import { userNamed } from './state';
import type { UserRecord } from './state';
import type { AnswerHandler, FlowHandler, SignInSteps } from './signInSteps';
import type { EmulatedTrigger, EmulatedTriggerEvent } from './types';

/**
 * The `CUSTOM_AUTH` flow, driven by the pool's triggers as Cognito drives its Lambdas:
 * `defineAuthChallenge` sees the session so far and says what comes next (a
 * `CUSTOM_CHALLENGE`, `PASSWORD_VERIFIER` after `SRP_A`, tokens, or failure);
 * `createAuthChallenge` makes the challenge's public and private parameters;
 * `verifyAuthChallengeResponse` judges the answer. A trigger that throws is Cognito's
 * `UserLambdaValidationException`.
 */
export function customAuth(
  ctx: PoolContext,
  steps: SignInSteps,
): {
  flows: Record<string, FlowHandler>;
  answers: Record<string, AnswerHandler>;
  continueAfter(user: UserRecord, signIn: SignInContext, challengeName: string): unknown;
} {
  const { state, challenges } = ctx;

  async function run(
    name: 'defineAuthChallenge' | 'createAuthChallenge' | 'verifyAuthChallengeResponse',
    source: string,
    user: UserRecord,
    request: Record<string, unknown>,
    response: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const trigger: EmulatedTrigger | undefined = state.triggers[name];
    if (trigger === undefined) {
      throw new ServiceError(
        'InvalidParameterException',
        'Custom auth lambda trigger is not configured for the user pool.',
      );
    }
    const event: EmulatedTriggerEvent = {
      triggerSource: source,
      userPoolId: state.userPoolId,
      userName: user.username,
      callerContext: { clientId: state.clientId },
      request: { userAttributes: attributesOf(user), ...request },
      response,
    };
    try {
      return ((await trigger(event)) ?? event).response;
    } catch (error) {
      const label = source.split('_')[0] ?? source;
      throw new ServiceError(
        'UserLambdaValidationException',
        `${label} failed with error ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
  }

  /** Asks `defineAuthChallenge` what comes next, and does it. */
  async function next(user: UserRecord, signIn: SignInContext, clientMetadata: unknown) {
    const session = signIn.custom ?? [];
    const decision = await run(
      'defineAuthChallenge',
      'DefineAuthChallenge_Authentication',
      user,
      { session, clientMetadata: clientMetadata ?? {}, userNotFound: false },
      { challengeName: undefined, issueTokens: false, failAuthentication: false },
    );
    if (decision['failAuthentication'] === true) {
      throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
    }
    if (decision['issueTokens'] === true) return steps.signedIn(user, signIn);
    const challengeName = decision['challengeName'];
    if (challengeName === 'PASSWORD_VERIFIER') {
      throw new ServiceError(
        'InvalidParameterException',
        'PASSWORD_VERIFIER follows SRP_A only: send SRP_A with CHALLENGE_NAME SRP_A.',
      );
    }
    if (challengeName !== 'CUSTOM_CHALLENGE') {
      throw new ServiceError(
        'InvalidLambdaResponseException',
        'Invalid lambda response: challengeName must be CUSTOM_CHALLENGE or PASSWORD_VERIFIER.',
      );
    }
    const made = await run(
      'createAuthChallenge',
      'CreateAuthChallenge_Authentication',
      user,
      { challengeName, session, clientMetadata: clientMetadata ?? {} },
      {
        publicChallengeParameters: {},
        privateChallengeParameters: {},
        challengeMetadata: undefined,
      },
    );
    const publicParameters: Record<string, string> = {};
    for (const [key, value] of Object.entries(
      (made['publicChallengeParameters'] ?? {}) as Record<string, unknown>,
    )) {
      publicParameters[key] = String(value);
    }
    return challenges.open(
      user,
      'CUSTOM_CHALLENGE',
      { USERNAME: user.username, ...publicParameters },
      {
        ...signIn,
        custom: session,
        privateParameters: (made['privateChallengeParameters'] ?? {}) as Record<string, unknown>,
        challengeMetadata:
          typeof made['challengeMetadata'] === 'string' ? made['challengeMetadata'] : undefined,
      },
    );
  }

  const flows: Record<string, FlowHandler> = {
    async CUSTOM_AUTH(parameters, body) {
      const user = userNamed(state, parameters['USERNAME']);
      checkEnabled(user);
      const signIn: SignInContext = {
        flow: 'CUSTOM_AUTH',
        deviceKey: parameters['DEVICE_KEY'],
        custom: [],
      };
      if (parameters['CHALLENGE_NAME'] === 'SRP_A' && parameters['SRP_A'] !== undefined) {
        const session: CustomAuthStep[] = [{ challengeName: 'SRP_A', challengeResult: true }];
        const decision = await run(
          'defineAuthChallenge',
          'DefineAuthChallenge_Authentication',
          user,
          { session, clientMetadata: body['ClientMetadata'] ?? {}, userNotFound: false },
          { challengeName: undefined, issueTokens: false, failAuthentication: false },
        );
        if (decision['challengeName'] !== 'PASSWORD_VERIFIER') {
          throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
        }
        return steps.srpChallenge(user, parameters['SRP_A'], { ...signIn, custom: session });
      }
      return next(user, signIn, body['ClientMetadata']);
    },
  };

  const answers: Record<string, AnswerHandler> = {
    async CUSTOM_CHALLENGE(user, responses, signIn, body) {
      const verdict = await run(
        'verifyAuthChallengeResponse',
        'VerifyAuthChallengeResponse_Authentication',
        user,
        {
          privateChallengeParameters: signIn.privateParameters ?? {},
          challengeAnswer: responses['ANSWER'],
          clientMetadata: body['ClientMetadata'] ?? {},
        },
        { answerCorrect: false },
      );
      const step: CustomAuthStep = {
        challengeName: 'CUSTOM_CHALLENGE',
        challengeResult: verdict['answerCorrect'] === true,
        ...(signIn.challengeMetadata === undefined
          ? {}
          : { challengeMetadata: signIn.challengeMetadata }),
      };
      return next(
        user,
        { ...signIn, custom: [...(signIn.custom ?? []), step] },
        body['ClientMetadata'],
      );
    },
  };

  return {
    flows,
    answers,
    continueAfter(user, signIn, challengeName) {
      const step: CustomAuthStep = { challengeName, challengeResult: true };
      return next(user, { ...signIn, custom: [...(signIn.custom ?? []), step] }, undefined);
    },
  };
}
