import { ConfigurationError } from '../index';
import type { AccountClient, AttributeList } from './accountClient';
import { toAccountError } from './accountErrors';
import type { SignUpOptions, SignUpResult } from './accountTypes';
import type { CodeDelivery } from './types';
import type { CodeDeliveryDetails } from './userPoolClient';

/** Cognito's `CodeDeliveryDetails` as apig-signer's {@link CodeDelivery}. */
export function codeDelivery(details: CodeDeliveryDetails | undefined): CodeDelivery {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { destination: text(details?.Destination), medium: text(details?.DeliveryMedium) };
}

/** A `ConfigurationError` (bad input, refused before any network I/O). */
export const bad = (message: string) => new ConfigurationError('ERR_CONFIGURATION', message);

/** A non-empty string, or a ConfigurationError naming the call, before any network I/O. */
export function requireText(value: unknown, call: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw bad(`${call}: must be non-empty strings.`);
  }
}

/** `{ name: value }` as Cognito's `[{ Name, Value }]`; every value must be a string. */
export function attributeList(attributes: unknown, call: string): AttributeList {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw bad(`${call}: attributes must be an object of strings.`);
  }
  return Object.entries(attributes).map(([Name, Value]) => {
    if (typeof Value !== 'string') {
      throw bad(`${call}: attribute ${Name} must be a string.`);
    }
    return { Name, Value };
  });
}

/** Sign-up, its confirmation and the code sent again: calls that need no signed-in user. */
export function signUpFlow(client: AccountClient) {
  /** An operation that names a user; Cognito's refusals as typed errors. */
  const named = <T>(operation: string, username: string, body: Record<string, unknown>) =>
    client.byName<T>(operation, username, body).catch((error: unknown) => {
      throw toAccountError(error);
    });
  type Delivered = { CodeDeliveryDetails?: CodeDeliveryDetails };

  return {
    async signUp(
      username: string,
      password: string,
      options: SignUpOptions = {},
    ): Promise<SignUpResult> {
      requireText(username, 'signUp(username, password)');
      requireText(password, 'signUp(username, password)');
      const attributes = attributeList(options.attributes ?? {}, 'signUp()');
      const metadata = options.clientMetadata;
      if (metadata !== undefined) attributeList(metadata, 'signUp() clientMetadata');
      const answer = await named<Delivered & { UserConfirmed?: boolean; UserSub?: string }>(
        'SignUp',
        username,
        {
          Password: password,
          UserAttributes: attributes,
          ...(metadata === undefined ? {} : { ClientMetadata: metadata }),
        },
      );
      return {
        userConfirmed: answer.UserConfirmed === true,
        userSub: typeof answer.UserSub === 'string' ? answer.UserSub : '',
        ...(answer.CodeDeliveryDetails === undefined
          ? {}
          : { codeDelivery: codeDelivery(answer.CodeDeliveryDetails) }),
      };
    },

    async confirmSignUp(username: string, code: string): Promise<void> {
      requireText(username, 'confirmSignUp(username, code)');
      requireText(code, 'confirmSignUp(username, code)');
      await named('ConfirmSignUp', username, { ConfirmationCode: code });
    },

    async resendSignUpCode(username: string): Promise<CodeDelivery> {
      requireText(username, 'resendSignUpCode(username)');
      const answer = await named<Delivered>('ResendConfirmationCode', username, {});
      return codeDelivery(answer.CodeDeliveryDetails);
    },
  };
}
