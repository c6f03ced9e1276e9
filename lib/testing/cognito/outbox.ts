import { randomInt } from 'node:crypto';

import { ServiceError } from './serviceError';
import type { EmulatorState, UserRecord } from './state';
import type { DeliveredCode, EmulatedCodePurpose } from './types';

/** A code waiting to be spent, on the user record (so replacing a user drops it). */
export interface PendingCode {
  code: string;
  expiresAt: number;
}

/** Cognito's `CodeDeliveryDetails`. */
export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: 'EMAIL' | 'SMS';
  AttributeName: string;
}

/**
 * Where the emulator "sends" codes: each is kept on the user until spent (so a test can read it
 * with `lastCode`) and logged in `sent`. Nothing leaves the process.
 */
export interface Outbox {
  /** Every code sent, oldest first. */
  readonly sent: DeliveredCode[];
  /**
   * Makes a new code for `purpose` (replacing an unspent one) and delivers it to `attribute`
   * (`email` or `phone_number`), or to the user's email, else phone, when not given.
   */
  send(
    user: UserRecord,
    purpose: EmulatedCodePurpose,
    attribute?: string,
  ): CodeDeliveryDetails | undefined;
  /**
   * Spends the pending code if `code` is it; refuses a wrong or expired one as Cognito does.
   * `before` runs after the code is found right and before it is spent: a refusal there (a
   * password policy) leaves the code usable.
   */
  spend(
    user: UserRecord,
    purpose: EmulatedCodePurpose,
    code: unknown,
    attribute?: string,
    wrong?: { type: string; message: string },
    before?: () => void,
  ): void;
  /** The pending code, or `undefined`. */
  pending(user: UserRecord, purpose: EmulatedCodePurpose, attribute?: string): string | undefined;
}

/** How long a code can be spent: Cognito's 24 hours for sign-up and attributes, 1 hour for resets. */
const LIFETIME_MS: Record<EmulatedCodePurpose, number> = {
  ForgotPassword: 3_600_000,
  SignUp: 86_400_000,
  VerifyUserAttribute: 86_400_000,
  EMAIL_OTP: 180_000,
  SMS_OTP: 180_000,
  SMS_MFA: 180_000,
};

const keyOf = (purpose: string, attribute: string | undefined) =>
  attribute === undefined || purpose !== 'VerifyUserAttribute'
    ? purpose
    : `${purpose}:${attribute}`;

/** Destinations are masked, as Cognito does: `d***@***`, `+*******0100`. */
function masked(attribute: string, value: string): string {
  return attribute === 'email' ? `${value.slice(0, 1)}***@***` : `+*******${value.slice(-4)}`;
}

export function createOutbox(state: EmulatorState): Outbox {
  const sent: DeliveredCode[] = [];
  return {
    sent,

    send(user, purpose, attribute) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const key = keyOf(purpose, attribute);
      user.codes.set(key, { code, expiresAt: state.now() + LIFETIME_MS[purpose] });
      const attributes = user.attributes ?? {};
      const to =
        attribute ??
        (attributes['email'] !== undefined
          ? 'email'
          : attributes['phone_number'] !== undefined
            ? 'phone_number'
            : undefined);
      const destination = to === undefined ? undefined : attributes[to];
      const medium = to === 'email' ? 'EMAIL' : 'SMS';
      sent.push({
        username: user.username,
        purpose,
        code,
        ...(to === undefined ? {} : { attributeName: to }),
        ...(destination === undefined ? {} : { destination, medium }),
      });
      if (to === undefined || destination === undefined) return undefined;
      return { Destination: masked(to, destination), DeliveryMedium: medium, AttributeName: to };
    },

    spend(user, purpose, code, attribute, wrong, before) {
      const key = keyOf(purpose, attribute);
      const pending = user.codes.get(key);
      if (pending === undefined || pending.code !== code) {
        throw new ServiceError(
          wrong?.type ?? 'CodeMismatchException',
          wrong?.message ?? 'Invalid verification code provided, please try again.',
        );
      }
      if (pending.expiresAt <= state.now()) {
        throw new ServiceError(
          'ExpiredCodeException',
          'Invalid code provided, please request a code again.',
        );
      }
      before?.();
      user.codes.delete(key);
    },

    pending: (user, purpose, attribute) => user.codes.get(keyOf(purpose, attribute))?.code,
  };
}
