import { randomBytes, randomUUID } from 'node:crypto';

import type { SignInContext } from './challenges';
import { userOfAccessToken } from './checks';
import type { OperationTable, PoolContext } from './context';
import { text } from './context';
import { ServiceError } from './serviceError';
import type { DeviceRecord, UserRecord } from './state';
import type { AnswerHandler } from './signInSteps';

const NO_DEVICE = 'Device does not exist.';

/**
 * Device tracking, when the pool has `deviceConfiguration`:
 *
 * - a sign-in from a device the pool does not know returns `NewDeviceMetadata` (a new device
 *   key and group key); one that sends a known `DEVICE_KEY` registers nothing new;
 * - ConfirmDevice stores the device's SRP verifier (made like a user's, with the group key in
 *   place of the pool name and the device key as the user id); the device is then remembered
 *   ("always"), or only after UpdateDeviceStatus (`deviceOnlyRememberedOnUserPrompt`);
 * - a later sign-in naming a remembered device answers `DEVICE_SRP_AUTH` then
 *   `DEVICE_PASSWORD_VERIFIER` (a real SRP proof) and skips MFA;
 * - ForgetDevice drops the device.
 */
export function deviceSignIn(ctx: PoolContext): {
  challenge(user: UserRecord, signIn: SignInContext): unknown;
  deviceFor(
    user: UserRecord,
    signIn: SignInContext,
  ): (DeviceRecord & { isNew: boolean }) | undefined;
  answers: Record<string, AnswerHandler>;
  operations: OperationTable;
} {
  const { state, challenges } = ctx;

  const own = (user: UserRecord, deviceKey: unknown): DeviceRecord | undefined => {
    const device = typeof deviceKey === 'string' ? state.devices.get(deviceKey) : undefined;
    return device?.username === user.username ? device : undefined;
  };

  function ownOrRefuse(user: UserRecord, deviceKey: unknown): DeviceRecord {
    const device = own(user, deviceKey);
    if (device === undefined) throw new ServiceError('ResourceNotFoundException', NO_DEVICE);
    return device;
  }

  const answers: Record<string, AnswerHandler> = {
    DEVICE_SRP_AUTH(user, responses, signIn) {
      const device = own(user, responses['DEVICE_KEY']);
      if (device?.verifier === undefined || device.salt === undefined) {
        throw new ServiceError('ResourceNotFoundException', NO_DEVICE);
      }
      const { B, secretBlock } = challenges.startSrp(user, responses['SRP_A'], signIn, {
        deviceKey: device.deviceKey,
        verifier: device.verifier,
      });
      return challenges.open(
        user,
        'DEVICE_PASSWORD_VERIFIER',
        {
          USERNAME: user.username,
          DEVICE_KEY: device.deviceKey,
          SRP_B: B.toString(16),
          SALT: device.salt,
          SECRET_BLOCK: secretBlock,
        },
        signIn,
      );
    },
  };

  const operations: OperationTable = {
    ConfirmDevice(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      const device = ownOrRefuse(user, body['DeviceKey']);
      const config = (body['DeviceSecretVerifierConfig'] ?? {}) as Record<string, unknown>;
      const verifier = Buffer.from(text(config['PasswordVerifier']), 'base64').toString('hex');
      const salt = Buffer.from(text(config['Salt']), 'base64').toString('hex');
      if (verifier === '' || salt === '') {
        throw new ServiceError(
          'InvalidParameterException',
          'DeviceSecretVerifierConfig needs a PasswordVerifier and a Salt.',
        );
      }
      device.verifier = BigInt(`0x${verifier}`);
      device.salt = salt;
      if (typeof body['DeviceName'] === 'string') device.name = body['DeviceName'];
      const optIn = state.deviceConfiguration?.deviceOnlyRememberedOnUserPrompt === true;
      device.remembered = !optIn;
      return { UserConfirmationNecessary: optIn };
    },

    UpdateDeviceStatus(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      const device = ownOrRefuse(user, body['DeviceKey']);
      const status = body['DeviceRememberedStatus'];
      if (status !== 'remembered' && status !== 'not_remembered') {
        throw new ServiceError(
          'InvalidParameterException',
          'DeviceRememberedStatus must be remembered or not_remembered.',
        );
      }
      device.remembered = status === 'remembered';
      return {};
    },

    ForgetDevice(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      const device = ownOrRefuse(user, body['DeviceKey']);
      state.devices.delete(device.deviceKey);
      return {};
    },

    ListDevices(body) {
      const user = userOfAccessToken(ctx, body['AccessToken']);
      return {
        Devices: [...state.devices.values()]
          .filter((d) => d.username === user.username && d.verifier !== undefined)
          .map((d) => ({
            DeviceKey: d.deviceKey,
            DeviceAttributes: [
              ...(d.name === undefined ? [] : [{ Name: 'device_name', Value: d.name }]),
              { Name: 'device_status', Value: d.remembered ? 'valid' : 'invalid' },
            ],
          })),
      };
    },
  };

  return {
    challenge(user, signIn) {
      if (state.deviceConfiguration === undefined) return undefined;
      const device = own(user, signIn.deviceKey);
      if (device === undefined || !device.remembered || device.verifier === undefined) {
        return undefined;
      }
      return challenges.open(user, 'DEVICE_SRP_AUTH', {}, signIn);
    },

    deviceFor(user, signIn) {
      if (state.deviceConfiguration === undefined) return undefined;
      const known = own(user, signIn.deviceKey);
      if (known !== undefined) return { ...known, isNew: false };
      const device: DeviceRecord = {
        username: user.username,
        deviceKey: `${state.region}_${randomUUID()}`,
        groupKey: `-${randomBytes(6).toString('base64url')}`,
        remembered: false,
      };
      state.devices.set(device.deviceKey, device);
      return { ...device, isNew: true };
    },

    answers,
    operations,
  };
}
