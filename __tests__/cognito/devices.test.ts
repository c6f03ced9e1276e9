import { ConfigurationError } from '../../lib';
import { createMemoryStorage } from '../../lib/cognito';
import type { CognitoStorage } from '../../lib/cognito';
import { ALICE, cognitoWorld } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

let world: CognitoWorld;
afterEach(async () => {
  await world.close();
});

const MFA_USER = { ...ALICE, mfa: 'SMS_MFA', mfaCode: '424242' } as const;

/** A sign-in on the device whose storage this is; answers the SMS code if asked. */
async function signIn(storage: CognitoStorage) {
  const auth = world.newAuth({ storage });
  let step = await auth.signIn(ALICE.username, ALICE.password);
  let mfaPrompts = 0;
  if (step.challenge?.name === 'SMS_MFA') {
    mfaPrompts += 1;
    step = await step.challenge.answer('424242');
  }
  expect(step).toEqual({ username: 'alice' });
  return { auth, mfaPrompts };
}

describe('remembered devices', () => {
  it('the first sign-in confirms the device (its own SRP verifier); the next skips MFA; one device, not two', async () => {
    world = await cognitoWorld({ users: [MFA_USER], deviceConfiguration: {} });
    const storage = createMemoryStorage();
    const first = await signIn(storage);
    expect(first.mfaPrompts).toBe(1);
    expect(world.cognito.count('ConfirmDevice')).toBe(1);
    const [device] = world.cognito.devicesOf('alice');
    // amazon-cognito-identity-js's keys, so either library finds the device.
    const prefix = `CognitoIdentityServiceProvider.${world.cognito.clientId}.alice`;
    expect(storage.getItem(`${prefix}.deviceKey`)).toBe(device?.deviceKey);
    expect(storage.getItem(`${prefix}.deviceGroupKey`)).toEqual(expect.any(String));
    expect(storage.getItem(`${prefix}.randomPasswordKey`)).toEqual(expect.any(String));
    first.auth.signOut(); // sign-out keeps the device
    const second = await signIn(storage);
    expect(second.mfaPrompts).toBe(0);
    expect(world.cognito.count('RespondToAuthChallenge', 'DEVICE_PASSWORD_VERIFIER')).toBe(1);
    expect(world.cognito.devicesOf('alice')).toHaveLength(1);
    expect(await second.auth.getIdToken()).toEqual(expect.any(String));
  });

  it('a device whose secret was tampered with never skips MFA: forgotten here, the sign-in starts again as a new device', async () => {
    world = await cognitoWorld({ users: [MFA_USER], deviceConfiguration: {} });
    const storage = createMemoryStorage();
    (await signIn(storage)).auth.signOut();
    const prefix = `CognitoIdentityServiceProvider.${world.cognito.clientId}.alice`;
    const oldKey = storage.getItem(`${prefix}.deviceKey`);
    storage.setItem(`${prefix}.randomPasswordKey`, 'not the device password');
    const auth = world.newAuth({ storage });
    const step = await auth.signIn(ALICE.username, ALICE.password);
    // The refused proof signed nobody in: MFA is asked, as for a device Cognito does not know.
    expect(step.challenge?.name).toBe('SMS_MFA');
    expect(auth.username).toBeUndefined();
    expect(world.cognito.count('RespondToAuthChallenge', 'DEVICE_PASSWORD_VERIFIER')).toBe(1);
    expect(storage.getItem(`${prefix}.deviceKey`)).toBeNull();
    expect(await step.challenge!.answer('424242')).toEqual({ username: 'alice' });
    const newKey = storage.getItem(`${prefix}.deviceKey`);
    expect(newKey).toEqual(expect.any(String));
    expect(newKey).not.toBe(oldKey);
  });

  it('a device forgotten elsewhere (another device, an administrator) does not lock the user out here', async () => {
    world = await cognitoWorld({ users: [MFA_USER], deviceConfiguration: {} });
    const here = createMemoryStorage();
    (await signIn(here)).auth.signOut();
    // The same remembered device on another storage forgets it at Cognito.
    const prefix = `CognitoIdentityServiceProvider.${world.cognito.clientId}.alice`;
    const there = createMemoryStorage();
    for (const item of ['deviceKey', 'deviceGroupKey', 'randomPasswordKey']) {
      there.setItem(`${prefix}.${item}`, here.getItem(`${prefix}.${item}`)!);
    }
    await (await signIn(there)).auth.forgetDevice();
    expect(world.cognito.devicesOf('alice')).toHaveLength(0);

    const again = await signIn(here);
    expect(again.mfaPrompts).toBe(1); // the device is not trusted any more
    expect(await again.auth.getIdToken()).toEqual(expect.any(String));
    // Forgotten here too, and this storage now remembers the device Cognito just met.
    const [device] = world.cognito.devicesOf('alice');
    expect(here.getItem(`${prefix}.deviceKey`)).toBe(device?.deviceKey);
  });

  it('forgetDevice() forgets it at Cognito and here: MFA again; rememberDevice() for opt-in pools', async () => {
    world = await cognitoWorld({
      users: [MFA_USER],
      deviceConfiguration: { deviceOnlyRememberedOnUserPrompt: true },
    });
    const storage = createMemoryStorage();
    const first = await signIn(storage);
    expect((await signIn(storage)).mfaPrompts).toBe(1); // confirmed, not yet remembered
    await first.auth.rememberDevice();
    const remembered = await signIn(storage);
    expect(remembered.mfaPrompts).toBe(0);
    await remembered.auth.forgetDevice();
    expect(world.cognito.devicesOf('alice')).toHaveLength(0);
    expect(
      storage.getItem(`CognitoIdentityServiceProvider.${world.cognito.clientId}.alice.deviceKey`),
    ).toBeNull();
    expect((await signIn(storage)).mfaPrompts).toBe(1);
  });

  it('without device tracking: no ConfirmDevice, and rememberDevice() says why', async () => {
    world = await cognitoWorld({ users: [MFA_USER] });
    const { auth } = await signIn(createMemoryStorage());
    expect(world.cognito.count('ConfirmDevice')).toBe(0);
    await expect(auth.rememberDevice()).rejects.toBeInstanceOf(ConfigurationError);
  });
});
