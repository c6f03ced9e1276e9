import { userOfAccessToken } from './checks';
import type { OperationTable, PoolContext } from './context';
import { ServiceError } from './serviceError';
import { userNamed } from './state';
import type { UserRecord } from './state';
import { newTotpSecret, totpMatches } from './totp';
import type { EmulatedMfaType } from './types';

const SETTINGS: Record<string, EmulatedMfaType> = {
  SMSMfaSettings: 'SMS_MFA',
  SoftwareTokenMfaSettings: 'SOFTWARE_TOKEN_MFA',
  EmailMfaSettings: 'EMAIL_OTP',
};

/**
 * TOTP set-up and MFA preferences: AssociateSoftwareToken (a new base32 secret),
 * VerifySoftwareToken (the RFC 6238 code of that secret; TOTP MFA is then enabled), either by
 * access token or by the `Session` of an `MFA_SETUP` challenge; SetUserMFAPreference.
 */
export function softwareTokenOperations(ctx: PoolContext): OperationTable {
  const { state, challenges } = ctx;

  /** The user, and the next `Session` when the call is part of an MFA_SETUP sign-in. */
  function caller(body: Record<string, unknown>): { user: UserRecord; session?: string } {
    if (body['AccessToken'] !== undefined)
      return { user: userOfAccessToken(ctx, body['AccessToken']) };
    const user = userNamed(state, challenges.pending(body['Session'], 'MFA_SETUP'));
    const signIn = challenges.context(body['Session']);
    challenges.close(body['Session']);
    const next = challenges.open(user, 'MFA_SETUP', {}, signIn);
    return { user, session: next['Session'] as string };
  }

  return {
    AssociateSoftwareToken(body) {
      const { user, session } = caller(body);
      const secret = newTotpSecret();
      user.softwareToken = { secret, verified: false };
      return { SecretCode: secret, ...(session === undefined ? {} : { Session: session }) };
    },

    VerifySoftwareToken(body) {
      const { user, session } = caller(body);
      const token = user.softwareToken;
      if (token === undefined) {
        throw new ServiceError(
          'InvalidParameterException',
          'No software token associated with the user: call AssociateSoftwareToken first.',
        );
      }
      if (!totpMatches(token.secret, body['UserCode'], state.now())) {
        throw new ServiceError('EnableSoftwareTokenMFAException', 'Code mismatch');
      }
      token.verified = true;
      if (typeof body['FriendlyDeviceName'] === 'string')
        user.totpDeviceName = body['FriendlyDeviceName'];
      user.mfaEnabled.add('SOFTWARE_TOKEN_MFA');
      return { Status: 'SUCCESS', ...(session === undefined ? {} : { Session: session }) };
    },

    SetUserMFAPreference(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      for (const [field, type] of Object.entries(SETTINGS)) {
        // amazon-cognito-identity-js sends `null` for the settings it leaves alone.
        const settings = body[field] as { Enabled?: boolean; PreferredMfa?: boolean } | null;
        if (typeof settings !== 'object' || settings === null) continue;
        if (settings.Enabled === true) {
          if (type === 'SOFTWARE_TOKEN_MFA' && user.softwareToken?.verified !== true) {
            throw new ServiceError(
              'InvalidParameterException',
              'User has not verified software token mfa',
            );
          }
          const attribute =
            type === 'SMS_MFA' ? 'phone_number' : type === 'EMAIL_OTP' ? 'email' : undefined;
          if (attribute !== undefined && user.attributes?.[attribute] === undefined) {
            throw new ServiceError(
              'InvalidParameterException',
              `User does not have ${attribute} to enable ${type}.`,
            );
          }
          user.mfaEnabled.add(type);
        } else if (settings.Enabled === false) {
          user.mfaEnabled.delete(type);
          if (user.mfaPreferred === type) user.mfaPreferred = undefined;
        }
        if (settings.PreferredMfa === true) user.mfaPreferred = type;
        else if (settings.PreferredMfa === false && user.mfaPreferred === type)
          user.mfaPreferred = undefined;
      }
      // A user given `mfa` at creation now follows the preferences set here.
      user.mfa = undefined;
      return {};
    },
  };
}
