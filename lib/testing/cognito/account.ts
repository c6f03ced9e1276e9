import { attributeList, attributeRecord, attributesOf, VERIFIABLE } from './attributes';
import { userOfAccessToken } from './checks';
import type { OperationTable, PoolContext } from './context';
import { text } from './context';
import type { CodeDeliveryDetails } from './outbox';
import { ServiceError } from './serviceError';
import { checkPasswordPolicy, setPassword } from './state';

/** Attributes Cognito sets itself: a client may not change them. */
const READ_ONLY = new Set(['sub', 'email_verified', 'phone_number_verified']);

/**
 * What a signed-in user does to their own account, by access token: ChangePassword, GetUser,
 * UpdateUserAttributes (a changed email or phone number is unverified until its code is
 * spent), GetUserAttributeVerificationCode, VerifyUserAttribute, DeleteUser.
 */
export function accountOperations(ctx: PoolContext): OperationTable {
  const { state, tokens, outbox } = ctx;
  return {
    ChangePassword(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      if (body['PreviousPassword'] !== user.password) {
        throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
      }
      setPassword(user, state, checkPasswordPolicy(state, body['ProposedPassword']));
      return {};
    },

    GetUser(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      const preferred = user.mfaPreferred;
      return {
        Username: user.username,
        UserAttributes: attributeList(attributesOf(user)),
        UserMFASettingList: [...user.mfaEnabled],
        ...(preferred !== undefined && user.mfaEnabled.has(preferred)
          ? { PreferredMfaSetting: preferred }
          : {}),
      };
    },

    UpdateUserAttributes(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      const changes = attributeRecord(body['UserAttributes']);
      for (const name of Object.keys(changes)) {
        if (READ_ONLY.has(name)) {
          throw new ServiceError(
            'NotAuthorizedException',
            `A client attempted to write unauthorized attribute ${name}`,
          );
        }
      }
      user.attributes = { ...user.attributes, ...changes };
      const deliveries: CodeDeliveryDetails[] = [];
      for (const name of VERIFIABLE) {
        if (changes[name] === undefined) continue;
        user.verified.delete(name);
        const details = outbox.send(user, 'VerifyUserAttribute', name);
        if (details !== undefined) deliveries.push(details);
      }
      return { CodeDeliveryDetailsList: deliveries };
    },

    GetUserAttributeVerificationCode(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      const name = text(body['AttributeName']);
      if (
        !(VERIFIABLE as readonly string[]).includes(name) ||
        user.attributes?.[name] === undefined
      ) {
        throw new ServiceError(
          'InvalidParameterException',
          `The user has no ${name || 'such'} attribute to verify.`,
        );
      }
      return { CodeDeliveryDetails: outbox.send(user, 'VerifyUserAttribute', name) };
    },

    VerifyUserAttribute(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      const name = text(body['AttributeName']);
      outbox.spend(user, 'VerifyUserAttribute', body['Code'], name);
      user.verified.add(name);
      return {};
    },

    DeleteUser(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      tokens.signOutEverywhere(user.username);
      state.users.delete(user.username);
      for (const [key, device] of state.devices) {
        if (device.username === user.username) state.devices.delete(key);
      }
      return {};
    },
  };
}
