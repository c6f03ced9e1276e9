import { toHex } from '../signing/sha256';
import type { Sha256Constructor } from '../signing/sha256';
import type { AccountClient } from './accountClient';
import { signedInCall } from './accountFlow';
import type { SignedInUser } from './accountFlow';
import { toBase64 } from './bytes';
import {
  g,
  hexToBytes,
  modPow,
  padHex,
  passwordClaim,
  randomBytes,
  secretExponent,
  startSrp,
} from './srp';
import { userItemKey } from './sessionStore';
import { bad } from './signUpFlow';
import type { AsyncCognitoStorage, CognitoStorage } from './storage';
import type { UserPoolClient } from './userPoolClient';
import type { AuthAnswer } from './userPoolClient';

/** A remembered device: what amazon-cognito-identity-js keeps, under the same keys. */
export interface Device {
  deviceKey: string;
  deviceGroupKey: string;
  randomPassword: string;
}

const ITEMS = ['deviceKey', 'deviceGroupKey', 'randomPasswordKey'] as const;

/**
 * Remembered devices: confirmed once with a verifier of their own (ConfirmDevice), kept in
 * storage as amazon-cognito-identity-js keeps them (`…{clientId}.{username}.deviceKey`,
 * `.deviceGroupKey`, `.randomPasswordKey`; sign-out leaves them), and proven at later
 * sign-ins by `DEVICE_SRP_AUTH` / `DEVICE_PASSWORD_VERIFIER` so MFA is skipped.
 */
export function createDevices(options: {
  storage: CognitoStorage | AsyncCognitoStorage;
  clientId: string;
  accounts: AccountClient;
  client: UserPoolClient;
  sha256?: Sha256Constructor | undefined;
}) {
  const { storage, clientId, accounts, client, sha256 } = options;
  const key = (username: string, item: string) => userItemKey(clientId, username, item);

  async function read(username: string): Promise<Device | undefined> {
    const [deviceKey, deviceGroupKey, randomPassword] = await Promise.all(
      ITEMS.map(async (item) => {
        try {
          return await storage.getItem(key(username, item));
        } catch {
          return null; // unreadable: signed in as a new device
        }
      }),
    );
    return deviceKey && deviceGroupKey && randomPassword
      ? { deviceKey, deviceGroupKey, randomPassword }
      : undefined;
  }

  async function forget(username: string): Promise<void> {
    for (const item of ITEMS) await storage.removeItem(key(username, item));
  }

  return {
    read,
    forget,

    /**
     * ConfirmDevice for a device Cognito just met: a random password and salt, and their SRP
     * verifier (x from the group key, device key and password, as a user's from the pool name,
     * user name and password). Kept only once Cognito accepted it.
     */
    async confirm(
      username: string,
      accessToken: string,
      metadata: { DeviceKey?: string; DeviceGroupKey?: string },
    ): Promise<void> {
      const { DeviceKey: deviceKey, DeviceGroupKey: deviceGroupKey } = metadata;
      if (!deviceKey || !deviceGroupKey) return;
      const randomPassword = toBase64(randomBytes(40));
      const salt = padHex(BigInt(`0x${toHex(randomBytes(16))}`));
      const x = await secretExponent(salt, deviceGroupKey, deviceKey, randomPassword, sha256);
      await accounts.byToken('ConfirmDevice', accessToken, {
        DeviceKey: deviceKey,
        DeviceSecretVerifierConfig: {
          PasswordVerifier: toBase64(hexToBytes(padHex(modPow(g, x)))),
          Salt: toBase64(hexToBytes(salt)),
        },
      });
      const values = { deviceKey, deviceGroupKey, randomPasswordKey: randomPassword };
      for (const item of ITEMS) await storage.setItem(key(username, item), values[item]);
    },

    /** `DEVICE_SRP_AUTH` then `DEVICE_PASSWORD_VERIFIER`: the device's SRP proof. */
    async prove(
      device: Device,
      username: string,
      session: string | undefined,
      now: Date,
    ): Promise<AuthAnswer> {
      const start = startSrp();
      const first = await client.respondToAuthChallenge(
        'DEVICE_SRP_AUTH',
        session,
        { USERNAME: username, DEVICE_KEY: device.deviceKey, SRP_A: start.srpA },
        username,
      );
      const parameters = first.ChallengeParameters ?? {};
      const claim = await passwordClaim({
        poolName: device.deviceGroupKey,
        userId: device.deviceKey,
        password: device.randomPassword,
        srpB: parameters['SRP_B'] ?? '',
        salt: parameters['SALT'] ?? '',
        secretBlock: parameters['SECRET_BLOCK'] ?? '',
        start,
        now,
        sha256,
      });
      return client.respondToAuthChallenge(
        'DEVICE_PASSWORD_VERIFIER',
        first.Session,
        {
          USERNAME: username,
          DEVICE_KEY: device.deviceKey,
          PASSWORD_CLAIM_SECRET_BLOCK: parameters['SECRET_BLOCK'] ?? '',
          TIMESTAMP: claim.timestamp,
          PASSWORD_CLAIM_SIGNATURE: claim.signature,
        },
        username,
      );
    },
  };
}

export type Devices = ReturnType<typeof createDevices>;

/** `rememberDevice()` and `forgetDevice()` of the signed-in user. */
export function deviceFlow(
  accounts: AccountClient,
  devices: Devices,
  user: SignedInUser & { username(): string | undefined },
) {
  const withToken = signedInCall(accounts, user);
  const current = async () => {
    const username = user.username();
    return username === undefined ? undefined : devices.read(username);
  };
  return {
    async rememberDevice(): Promise<void> {
      const device = await current();
      if (device === undefined) {
        throw bad(
          'rememberDevice(): this device is not known to the user pool (is device tracking on?).',
        );
      }
      await withToken('UpdateDeviceStatus', {
        DeviceKey: device.deviceKey,
        DeviceRememberedStatus: 'remembered',
      });
    },
    async forgetDevice(): Promise<void> {
      const username = user.username();
      const device = await current();
      if (username === undefined || device === undefined) return;
      await withToken('ForgetDevice', { DeviceKey: device.deviceKey });
      await devices.forget(username);
    },
  };
}
