import type { AccountClient, MfaSettings } from './accountClient';
import type { MfaPreference, TotpSetup } from './accountTypes';
import { signedInCall } from './accountFlow';
import type { SignedInUser } from './accountFlow';
import { toAccountError } from './accountErrors';
import { CognitoFailure } from './failures';
import { bad, requireText } from './signUpFlow';

/**
 * The `otpauth://` URI authenticator apps read from a QR code (Google Authenticator's Key Uri
 * Format: `otpauth://totp/{issuer}:{account}?secret=…&issuer=…`).
 */
export function totpUri(secret: string, account: string, issuer: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(issuer)}`;
}

/** A {@link TotpSetup} from `AssociateSoftwareToken`'s secret. */
export function totpSetup(secret: string | undefined, account: string): TotpSetup {
  if (typeof secret !== 'string' || secret === '') {
    throw bad('Cognito sent no TOTP secret: allow authenticator apps in the user pool.');
  }
  return {
    secret,
    uri(issuer) {
      requireText(issuer, 'uri(issuer)');
      return totpUri(secret, account, issuer);
    },
  };
}

/** `VerifySoftwareToken`'s body beside the token or `Session`: the code and a device name. */
export const verifyBody = (code: string, deviceName: string | undefined) => ({
  UserCode: code,
  ...(deviceName === undefined ? {} : { FriendlyDeviceName: deviceName }),
});

const PREFERENCES = new Set<unknown>(['preferred', 'enabled', 'disabled']);

function settings(preference: MfaPreference | undefined, name: string): MfaSettings | undefined {
  if (preference === undefined) return undefined;
  if (!PREFERENCES.has(preference)) {
    throw bad(`setMfaPreference(): ${name} must be 'preferred', 'enabled' or 'disabled'.`);
  }
  return { Enabled: preference !== 'disabled', PreferredMfa: preference === 'preferred' };
}

/** Authenticator-app set-up and MFA preferences of the signed-in user. */
export function totpFlow(
  client: AccountClient,
  user: SignedInUser & { username(): string | undefined },
) {
  const withToken = signedInCall(client, user);

  return {
    async setUpTotp(): Promise<TotpSetup> {
      const answer = await withToken<{ SecretCode?: string }>('AssociateSoftwareToken');
      return totpSetup(answer.SecretCode, user.username() ?? '');
    },

    async verifyTotp(code: string, options: { deviceName?: string | undefined } = {}) {
      requireText(code, 'verifyTotp(code)');
      const answer = await withToken<{ Status?: string }>(
        'VerifySoftwareToken',
        verifyBody(code, options.deviceName),
      );
      // Cognito refuses a wrong code (EnableSoftwareTokenMFAException); an ERROR status too.
      if (answer.Status === 'ERROR')
        throw toAccountError(new CognitoFailure('CodeMismatchException', '', 400));
    },

    async setMfaPreference(preferences: {
      totp?: MfaPreference | undefined;
      sms?: MfaPreference | undefined;
      email?: MfaPreference | undefined;
    }): Promise<void> {
      if (typeof preferences !== 'object' || preferences === null) {
        throw bad('setMfaPreference(): preferences must be an object.');
      }
      const totp = settings(preferences.totp, 'totp');
      const sms = settings(preferences.sms, 'sms');
      const email = settings(preferences.email, 'email');
      await withToken('SetUserMFAPreference', {
        ...(totp === undefined ? {} : { SoftwareTokenMfaSettings: totp }),
        ...(sms === undefined ? {} : { SMSMfaSettings: sms }),
        ...(email === undefined ? {} : { EmailMfaSettings: email }),
      });
    },
  };
}
