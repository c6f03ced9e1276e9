/* eslint-disable @typescript-eslint/no-deprecated -- amazon-cognito-identity-js (its types mark every export deprecated) is the reference client here. */
import {
  ForgetDeviceCommand,
  ListDevicesCommand,
  UpdateDeviceStatusCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import type { CognitoUserSession, ICognitoStorage } from 'amazon-cognito-identity-js';

import { startCognitoEmulator } from '../../lib/testing';
import type { CognitoEmulator, CognitoEmulatorOptions } from '../../lib/testing';
import { userPoolClient } from './sdkClients';

/**
 * Device tracking, driven by amazon-cognito-identity-js: it confirms a new device with its own
 * SRP verifier (`generateHashDevice`) and signs in with `DEVICE_SRP_AUTH` /
 * `DEVICE_PASSWORD_VERIFIER` (`getDeviceResponse`): the emulator verifies that proof for real.
 */
let emulator: CognitoEmulator;
let client: CognitoIdentityProviderClient;
let storage: ICognitoStorage & { items: Map<string, string> };

async function start(deviceConfiguration: CognitoEmulatorOptions['deviceConfiguration']) {
  emulator = await startCognitoEmulator({
    users: [{ username: 'dan', password: 'password 1', mfa: 'SMS_MFA', mfaCode: '424242' }],
    deviceConfiguration,
  });
  client = userPoolClient(emulator);
  const items = new Map<string, string>();
  storage = {
    items,
    setItem: (key, value) => {
      items.set(key, value);
    },
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    clear: () => {
      items.clear();
    },
  };
}

afterEach(async () => {
  client.destroy();
  await emulator.close();
});

/** One sign-in by the package (a new `CognitoUser`, as after a reload); counts MFA prompts. */
async function signIn(password = 'password 1') {
  const pool = new CognitoUserPool({
    UserPoolId: emulator.userPoolId,
    ClientId: emulator.clientId,
    endpoint: emulator.url,
    Storage: storage,
  });
  const user = new CognitoUser({ Username: 'dan', Pool: pool, Storage: storage });
  let mfaPrompts = 0;
  const session = await new Promise<CognitoUserSession>((resolve, reject) => {
    const callbacks = {
      onSuccess: resolve,
      onFailure: reject,
      mfaRequired() {
        mfaPrompts += 1;
        user.sendMFACode('424242', callbacks);
      },
    };
    user.authenticateUser(
      new AuthenticationDetails({ Username: 'dan', Password: password }),
      callbacks,
    );
  });
  return { user, session, mfaPrompts, accessToken: session.getAccessToken().getJwtToken() };
}

const deviceKeyClaim = (accessToken: string) =>
  (
    JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
      device_key?: string;
    }
  ).device_key;

describe('startCognitoEmulator: device tracking', () => {
  it('a confirmed device is remembered and skips MFA at the next sign-in; one device, not two', async () => {
    await start({});
    const first = await signIn();
    expect(first.mfaPrompts).toBe(1);
    const devices = emulator.devicesOf('dan');
    expect(devices).toEqual([
      expect.objectContaining({
        confirmed: true,
        remembered: true,
        deviceKey: expect.stringMatching(/^us-east-1_/),
      }),
    ]);
    expect(deviceKeyClaim(first.accessToken)).toBe(devices[0]?.deviceKey);

    const second = await signIn();
    expect(second.mfaPrompts).toBe(0);
    expect(emulator.count('RespondToAuthChallenge', 'DEVICE_SRP_AUTH')).toBe(1);
    expect(emulator.count('RespondToAuthChallenge', 'DEVICE_PASSWORD_VERIFIER')).toBe(1);
    expect(emulator.devicesOf('dan')).toHaveLength(1);
    expect(deviceKeyClaim(second.accessToken)).toBe(devices[0]?.deviceKey);

    const listed = await client.send(new ListDevicesCommand({ AccessToken: second.accessToken }));
    expect(listed.Devices?.map((d) => d.DeviceKey)).toEqual([devices[0]?.deviceKey]);
  });

  it('a device whose secret is wrong does not pass DEVICE_PASSWORD_VERIFIER', async () => {
    await start({});
    await signIn();
    const passwordKey = [...storage.items.keys()].find((k) => k.endsWith('.randomPasswordKey'));
    expect(passwordKey).toBeDefined();
    storage.items.set(passwordKey ?? '', 'not the device password');
    await expect(signIn()).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('ForgetDevice: the next sign-in answers MFA again and registers a new device', async () => {
    await start({});
    const first = await signIn();
    const [device] = emulator.devicesOf('dan');
    await client.send(
      new ForgetDeviceCommand({ AccessToken: first.accessToken, DeviceKey: device?.deviceKey }),
    );
    expect(emulator.devicesOf('dan')).toEqual([]);
    const again = await signIn();
    expect(again.mfaPrompts).toBe(1);
    expect(emulator.devicesOf('dan').map((d) => d.deviceKey)).not.toContain(device?.deviceKey);
  });

  it('opt-in: confirmed but not remembered until UpdateDeviceStatus says so', async () => {
    await start({ deviceOnlyRememberedOnUserPrompt: true });
    const first = await signIn();
    expect(emulator.devicesOf('dan')).toEqual([
      expect.objectContaining({ confirmed: true, remembered: false }),
    ]);
    expect((await signIn()).mfaPrompts).toBe(1);
    await client.send(
      new UpdateDeviceStatusCommand({
        AccessToken: first.accessToken,
        DeviceKey: emulator.devicesOf('dan')[0]?.deviceKey,
        DeviceRememberedStatus: 'remembered',
      }),
    );
    expect((await signIn()).mfaPrompts).toBe(0);
  });

  it('without deviceConfiguration, no device metadata is handed out', async () => {
    await start(undefined);
    const first = await signIn();
    expect(emulator.devicesOf('dan')).toEqual([]);
    expect(deviceKeyClaim(first.accessToken)).toBeUndefined();
    expect((await signIn()).mfaPrompts).toBe(1);
  });
});
