import { ConfigurationError } from '../../lib';
import { AuthError } from '../../lib/cognito';
import { totpUri } from '../../lib/cognito/totpFlow';
import { ALICE, cognitoWorld } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

let world: CognitoWorld;
afterEach(async () => {
  await world.close();
});

describe('setUpTotp, verifyTotp, setMfaPreference', () => {
  it('sets up an authenticator app; once preferred, the next sign-in asks for its code', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    const setup = await world.auth.setUpTotp();
    expect(setup.secret).toBe(world.cognito.user('alice')?.totpSecret);
    expect(setup.uri('Notes & Co')).toBe(
      `otpauth://totp/Notes%20%26%20Co:alice?secret=${setup.secret}&issuer=Notes%20%26%20Co`,
    );
    await world.auth.verifyTotp(world.cognito.totpCode(setup.secret), { deviceName: 'phone' });
    await world.auth.setMfaPreference({ totp: 'preferred' });
    expect(world.cognito.user('alice')).toMatchObject({
      mfaEnabled: ['SOFTWARE_TOKEN_MFA'],
      mfaPreferred: 'SOFTWARE_TOKEN_MFA',
    });

    const other = world.newAuth();
    const step = await other.signIn(ALICE.username, ALICE.password);
    expect(step.challenge?.name).toBe('SOFTWARE_TOKEN_MFA');
    if (step.challenge?.name !== 'SOFTWARE_TOKEN_MFA') throw new Error('no TOTP challenge');
    expect(await step.challenge.answer(world.cognito.totpCode(setup.secret))).toEqual({
      username: 'alice',
    });

    await world.auth.setMfaPreference({ totp: 'disabled' });
    expect(await world.newAuth().signIn(ALICE.username, ALICE.password)).toEqual({
      username: 'alice',
    });
  });

  it('a wrong code is ERR_CODE_MISMATCH and TOTP stays off; a bad preference is refused before any call', async () => {
    world = await cognitoWorld();
    await world.auth.signIn(ALICE.username, ALICE.password);
    const setup = await world.auth.setUpTotp();
    const right = world.cognito.totpCode(setup.secret);
    const wrong = right === '000000' ? '111111' : '000000';
    const error: unknown = await world.auth.verifyTotp(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'ERR_CODE_MISMATCH' });
    expect(world.cognito.user('alice')?.mfaEnabled).toEqual([]);
    const before = world.cognito.calls.length;
    await expect(
      world.auth.setMfaPreference({ totp: 'on' as unknown as 'enabled' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(world.auth.verifyTotp('')).rejects.toBeInstanceOf(ConfigurationError);
    expect(() => setup.uri('')).toThrow(ConfigurationError);
    expect(world.cognito.calls.length).toBe(before);
  });
});

describe('totpUri', () => {
  it("follows the Key Uri Format: label 'issuer:account', secret and issuer escaped", () => {
    expect(totpUri('JBSWY3DPEHPK3PXP', 'alice@example.com', 'Example')).toBe(
      'otpauth://totp/Example:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example',
    );
  });
});
