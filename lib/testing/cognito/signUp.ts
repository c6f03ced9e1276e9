import { attributeRecord } from './attributes';
import { checkClient } from './checks';
import type { OperationTable, PoolContext } from './context';
import { text } from './context';
import { ServiceError } from './serviceError';
import { addUser, checkPasswordPolicy, userNamed } from './state';

/**
 * SignUp, ConfirmSignUp, ResendConfirmationCode. A new user is unconfirmed; the code goes to
 * their email (else phone number) and is read with `lastCode(username, 'SignUp')`. Confirming
 * verifies the attribute the code went to.
 */
export function signUpOperations(ctx: PoolContext): OperationTable {
  const { state, outbox } = ctx;
  return {
    SignUp(body) {
      checkClient(ctx, body, body['Username'], body['SecretHash']);
      const username = text(body['Username']);
      if (username === '') {
        throw new ServiceError('InvalidParameterException', 'Username should not be empty.');
      }
      if (state.users.has(username)) {
        throw new ServiceError('UsernameExistsException', 'User already exists');
      }
      const password = checkPasswordPolicy(state, body['Password']);
      const user = addUser(state, {
        username,
        password,
        attributes: attributeRecord(body['UserAttributes']),
        confirmed: false,
      });
      const details = outbox.send(user, 'SignUp');
      return {
        UserConfirmed: false,
        UserSub: user.sub,
        ...(details === undefined ? {} : { CodeDeliveryDetails: details }),
      };
    },

    ConfirmSignUp(body) {
      checkClient(ctx, body, body['Username'], body['SecretHash']);
      const user = userNamed(state, body['Username']);
      if (user.confirmed !== false) {
        throw new ServiceError(
          'NotAuthorizedException',
          'User cannot be confirmed. Current status is CONFIRMED',
        );
      }
      const to = outbox.sent.findLast(
        (c) => c.username === user.username && c.purpose === 'SignUp',
      );
      outbox.spend(user, 'SignUp', body['ConfirmationCode']);
      user.confirmed = true;
      if (to?.attributeName !== undefined) user.verified.add(to.attributeName);
      return {};
    },

    ResendConfirmationCode(body) {
      checkClient(ctx, body, body['Username'], body['SecretHash']);
      const user = userNamed(state, body['Username']);
      if (user.confirmed !== false) {
        throw new ServiceError('InvalidParameterException', 'User is already confirmed.');
      }
      const details = outbox.send(user, 'SignUp');
      return details === undefined ? {} : { CodeDeliveryDetails: details };
    },
  };
}
