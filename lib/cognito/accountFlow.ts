import type { AccountClient, AttributeList } from './accountClient';
import { toAccountError } from './accountErrors';
import type { UpdateAttributesResult } from './accountTypes';
import { attributeList, codeDelivery, requireText } from './signUpFlow';
import type { CodeDelivery } from './types';
import type { CodeDeliveryDetails } from './userPoolClient';

/** What the account calls need of the session: a fresh access token, and ending it. */
export interface SignedInUser {
  /**
   * The signed-in user's access token (refreshed first when due; `NotSignedInError` else), and
   * `deleted()`, which ends that session as `signOut()` does, announcing `userDeleted`, unless
   * another session replaced it meanwhile (that one is left alone).
   */
  accessToken(): Promise<{ token: string; deleted(): void }>;
}

/**
 * One operation of the signed-in user, by access token (`body` beside it); Cognito's refusals
 * as typed errors.
 */
export function signedInCall(client: AccountClient, user: SignedInUser) {
  return async <T = Record<string, unknown>>(
    operation: string,
    body?: Record<string, unknown>,
  ): Promise<T> => {
    const { token } = await user.accessToken();
    return client.byToken<T>(operation, token, body).catch((error: unknown) => {
      throw toAccountError(error);
    });
  };
}

/** Password change, attributes and deletion: calls of the signed-in user, by access token. */
export function accountFlow(client: AccountClient, user: SignedInUser) {
  const withToken = signedInCall(client, user);

  return {
    async changePassword(oldPassword: string, newPassword: string): Promise<void> {
      requireText(oldPassword, 'changePassword(oldPassword, newPassword)');
      requireText(newPassword, 'changePassword(oldPassword, newPassword)');
      await withToken('ChangePassword', {
        PreviousPassword: oldPassword,
        ProposedPassword: newPassword,
      });
    },

    async getUserAttributes(): Promise<Record<string, string>> {
      const answer = await withToken<{ UserAttributes?: AttributeList }>('GetUser');
      const attributes: Record<string, string> = {};
      for (const { Name, Value } of answer.UserAttributes ?? []) {
        if (typeof Name === 'string' && typeof Value === 'string') attributes[Name] = Value;
      }
      return attributes;
    },

    async updateUserAttributes(
      attributes: Record<string, string>,
    ): Promise<UpdateAttributesResult> {
      const list = attributeList(attributes, 'updateUserAttributes(attributes)');
      const answer = await withToken<{ CodeDeliveryDetailsList?: CodeDeliveryDetails[] }>(
        'UpdateUserAttributes',
        { UserAttributes: list },
      );
      return {
        awaitingVerification: (answer.CodeDeliveryDetailsList ?? []).map((details) => ({
          attribute: typeof details.AttributeName === 'string' ? details.AttributeName : '',
          ...codeDelivery(details),
        })),
      };
    },

    async sendUserAttributeVerificationCode(name: string): Promise<CodeDelivery> {
      requireText(name, 'sendUserAttributeVerificationCode(name)');
      const answer = await withToken<{ CodeDeliveryDetails?: CodeDeliveryDetails }>(
        'GetUserAttributeVerificationCode',
        { AttributeName: name },
      );
      return codeDelivery(answer.CodeDeliveryDetails);
    },

    async verifyUserAttribute(name: string, code: string): Promise<void> {
      requireText(name, 'verifyUserAttribute(name, code)');
      requireText(code, 'verifyUserAttribute(name, code)');
      await withToken('VerifyUserAttribute', { AttributeName: name, Code: code });
    },

    async deleteUser(): Promise<void> {
      const session = await user.accessToken();
      await client.byToken('DeleteUser', session.token).catch((error: unknown) => {
        throw toAccountError(error);
      });
      session.deleted();
    },
  };
}
