import { checkClient, checkEnabled } from './checks';
import type { OperationTable, PoolContext } from './context';
import { checkPasswordPolicy, setPassword, userNamed } from './state';

/** ForgotPassword and ConfirmForgotPassword: a password reset by a code sent to the user. */
export function passwordResetOperations(ctx: PoolContext): OperationTable {
  const { state, outbox } = ctx;
  return {
    ForgotPassword(body) {
      checkClient(ctx, body, body['Username'], body['SecretHash']);
      const user = userNamed(state, body['Username']);
      checkEnabled(user);
      const details = outbox.send(user, 'ForgotPassword');
      return {
        CodeDeliveryDetails: details ?? {
          Destination: '+*******0100',
          DeliveryMedium: 'SMS',
          AttributeName: 'phone_number',
        },
      };
    },

    ConfirmForgotPassword(body) {
      checkClient(ctx, body, body['Username'], body['SecretHash']);
      const user = userNamed(state, body['Username']);
      const password = body['Password'];
      outbox.spend(user, 'ForgotPassword', body['ConfirmationCode'], undefined, undefined, () =>
        checkPasswordPolicy(state, password),
      );
      setPassword(user, state, password as string);
      user.passwordResetRequired = false;
      return {};
    },
  };
}
