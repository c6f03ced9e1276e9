import { ConfigurationError } from '../../lib';
import { AuthError, NotSignedInError, SessionExpiredError } from '../../lib/cognito';
import type { AuthEvent } from '../../lib/cognito';
import { ALICE, cognitoWorld, inspectableStorage } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

let world: CognitoWorld;
afterEach(async () => {
  await world.close();
});

const WITH_EMAIL = { ...ALICE, attributes: { email: 'alice@example.com', name: 'Alice' } };

async function signedIn(authOptions = {}) {
  world = await cognitoWorld({ users: [WITH_EMAIL] }, authOptions);
  await world.auth.signIn(ALICE.username, ALICE.password);
}

describe('changePassword', () => {
  it('changes the password: the new one signs in, the old one no longer does', async () => {
    await signedIn();
    await world.auth.changePassword(ALICE.password, 'a brand new password');
    const other = world.newAuth();
    await expect(other.signIn(ALICE.username, ALICE.password)).rejects.toMatchObject({
      code: 'ERR_WRONG_PASSWORD',
    });
    expect(await other.signIn(ALICE.username, 'a brand new password')).toEqual({
      username: 'alice',
    });
  });

  it('a wrong old password is ERR_WRONG_PASSWORD; a weak new one ERR_INVALID_PASSWORD with its rule; neither password in the message', async () => {
    await signedIn();
    const wrong: unknown = await world.auth
      .changePassword('not my password', 'a brand new password')
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ name: 'AuthError', code: 'ERR_WRONG_PASSWORD' });
    const weak: unknown = await world.auth
      .changePassword(ALICE.password, 'tiny1')
      .catch((e: unknown) => e);
    expect(weak).toBeInstanceOf(AuthError);
    expect(weak).toMatchObject({ code: 'ERR_INVALID_PASSWORD', passwordRule: 'length' });
    const shown = `${String(wrong)} ${JSON.stringify(wrong)} ${String(weak)} ${JSON.stringify(weak)}`;
    for (const secret of [ALICE.password, 'not my password', 'a brand new password', 'tiny1']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('nobody signed in: NotSignedInError, and nothing is sent', async () => {
    world = await cognitoWorld();
    await expect(world.auth.changePassword('a', 'b')).rejects.toBeInstanceOf(NotSignedInError);
    await expect(world.auth.getUserAttributes()).rejects.toBeInstanceOf(NotSignedInError);
    await expect(world.auth.deleteUser()).rejects.toBeInstanceOf(NotSignedInError);
    expect(world.cognito.calls).toEqual([]);
  });
});

describe('user attributes', () => {
  it('reads them, updates them (a new email awaits its code), and verifies it', async () => {
    await signedIn();
    expect(await world.auth.getUserAttributes()).toEqual({
      sub: world.cognito.user('alice')?.sub,
      email: 'alice@example.com',
      email_verified: 'true',
      name: 'Alice',
    });
    expect(
      await world.auth.updateUserAttributes({ email: 'alice@example.org', name: 'Alice B.' }),
    ).toEqual({
      awaitingVerification: [{ attribute: 'email', destination: 'a***@***', medium: 'EMAIL' }],
    });
    expect(await world.auth.getUserAttributes()).toMatchObject({
      email: 'alice@example.org',
      email_verified: 'false',
      name: 'Alice B.',
    });
    expect(await world.auth.sendUserAttributeVerificationCode('email')).toEqual({
      destination: 'a***@***',
      medium: 'EMAIL',
    });
    const code = world.cognito.lastCode('alice', 'VerifyUserAttribute', 'email') ?? '';
    await expect(
      world.auth.verifyUserAttribute('email', code === '000000' ? '111111' : '000000'),
    ).rejects.toMatchObject({ code: 'ERR_CODE_MISMATCH' });
    await world.auth.verifyUserAttribute('email', code);
    expect(await world.auth.getUserAttributes()).toMatchObject({ email_verified: 'true' });
  });

  it('an attribute the app client may not write is a ConfigurationError, not a wrong password', async () => {
    await signedIn();
    await expect(world.auth.updateUserAttributes({ sub: 'mine' })).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringMatching(/write permissions/),
    });
    await expect(
      world.auth.updateUserAttributes({ age: 3 } as unknown as Record<string, string>),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('an access token Cognito revoked is SessionExpiredError, never ERR_WRONG_PASSWORD', async () => {
    await signedIn();
    const elsewhere = world.newAuth();
    await elsewhere.signIn(ALICE.username, ALICE.password);
    await elsewhere.signOut({ global: true }); // every token of the user, this one's too
    await expect(world.auth.getUserAttributes()).rejects.toBeInstanceOf(SessionExpiredError);
  });
});

describe('deleteUser', () => {
  it('deletes the user, ends the session as signOut() does, and announces userDeleted', async () => {
    const storage = inspectableStorage();
    await signedIn({ storage });
    const events: AuthEvent[] = [];
    world.auth.subscribe((event) => events.push(event));
    await world.auth.deleteUser();
    expect(world.cognito.user('alice')).toBeUndefined();
    expect(world.auth.username).toBeUndefined();
    expect(storage.keys()).toEqual([]);
    await expect(world.auth.getIdToken()).rejects.toBeInstanceOf(NotSignedInError);
    expect(events).toEqual([{ type: 'userDeleted', username: 'alice', fromOtherTab: false }]);
  });

  it('when another user signed in while DeleteUser was on its way, that session stays', async () => {
    world = await cognitoWorld({
      users: [WITH_EMAIL, { username: 'bob', password: 'another password' }],
    });
    await world.auth.signIn(ALICE.username, ALICE.password);
    world.cognito.fail({ operation: 'DeleteUser', delayMs: 100 });
    const deleting = world.auth.deleteUser();
    // DeleteUser (held 100 ms) left with alice's token before bob's sign-in (several calls) ends.
    await world.auth.signIn('bob', 'another password');
    await deleting;
    expect(world.cognito.user('alice')).toBeUndefined();
    expect(world.auth.username).toBe('bob');
    expect((await world.api.get('/notes')).status).toBe(200);
  });
});
