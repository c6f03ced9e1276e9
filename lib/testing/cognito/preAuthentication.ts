import { attributesOf } from './attributes';
import { checkEnabled } from './checks';
import type { PoolContext } from './context';
import { ServiceError } from './serviceError';
import type { UserRecord } from './state';

/** What a sign-in flow needs from the app client: `ExplicitAuthFlows`' names. */
const CLIENT_SETTING: Record<string, string> = {
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
  USER_AUTH: 'ALLOW_USER_AUTH',
};

/** Refuses a flow the app client does not allow, in Cognito's words. */
export function checkFlowEnabled(ctx: PoolContext, flow: string): void {
  const allowed = ctx.state.explicitAuthFlows;
  const setting = CLIENT_SETTING[flow];
  if (allowed !== undefined && setting !== undefined && !allowed.includes(setting)) {
    throw new ServiceError('InvalidParameterException', `${flow} flow not enabled for this client`);
  }
}

/**
 * What Cognito checks before any sign-in of a known user: disabled, password reset required,
 * then the `preAuthentication` trigger (a throw is `UserLambdaValidationException`).
 */
export async function beforeSignIn(
  ctx: PoolContext,
  user: UserRecord,
  body: Record<string, unknown>,
): Promise<void> {
  const { state } = ctx;
  checkEnabled(user);
  if (user.passwordResetRequired === true) {
    throw new ServiceError(
      'PasswordResetRequiredException',
      'Password reset required for the user',
    );
  }
  const trigger = state.triggers.preAuthentication;
  if (trigger === undefined) return;
  const event = {
    triggerSource: 'PreAuthentication_Authentication',
    userPoolId: state.userPoolId,
    userName: user.username,
    callerContext: { clientId: state.clientId },
    request: {
      userAttributes: attributesOf(user),
      validationData: body['ClientMetadata'] ?? {},
      userNotFound: false,
    },
    response: {},
  };
  try {
    await trigger(event);
  } catch (error) {
    throw new ServiceError(
      'UserLambdaValidationException',
      `PreAuthentication failed with error ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
}
