/* eslint-disable @typescript-eslint/no-deprecated -- amazon-cognito-identity-js (its types mark every export deprecated) is the reference client here. */
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
} from 'amazon-cognito-identity-js';
import type {
  CognitoUserSession,
  ICognitoStorage,
  ISignUpResult,
} from 'amazon-cognito-identity-js';

import { startCognitoEmulator } from '../../lib/testing';
import type { CognitoEmulator } from '../../lib/testing';

/**
 * An account's whole life through amazon-cognito-identity-js's own methods (callback API),
 * against the emulator: what an app on the package does, unchanged.
 */
let emulator: CognitoEmulator;
let pool: CognitoUserPool;
let storage: ICognitoStorage;

beforeEach(async () => {
  emulator = await startCognitoEmulator();
  const items = new Map<string, string>();
  storage = {
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
  pool = new CognitoUserPool({
    UserPoolId: emulator.userPoolId,
    ClientId: emulator.clientId,
    endpoint: emulator.url,
    Storage: storage,
  });
});

afterEach(async () => {
  await emulator.close();
});

/** The package's node-style callback, as a promise. */
function call<T>(run: (done: (error: Error | undefined | null, value?: T) => void) => void) {
  return new Promise<T>((resolve, reject) => {
    run((error, value) => {
      if (error) reject(error);
      else resolve(value as T);
    });
  });
}

function signIn(user: CognitoUser, password: string, totp?: () => string) {
  return new Promise<CognitoUserSession>((resolve, reject) => {
    const callbacks = {
      onSuccess: resolve,
      onFailure: reject,
      totpRequired() {
        user.sendMFACode(totp?.() ?? '', callbacks, 'SOFTWARE_TOKEN_MFA');
      },
    };
    user.authenticateUser(
      new AuthenticationDetails({ Username: user.getUsername(), Password: password }),
      callbacks,
    );
  });
}

describe('startCognitoEmulator with amazon-cognito-identity-js', () => {
  it('sign-up, confirmation, attributes, password change, TOTP, global sign-out, deletion', async () => {
    const signedUp = await call<ISignUpResult>((done) => {
      pool.signUp(
        'erin',
        'a long password',
        [new CognitoUserAttribute({ Name: 'email', Value: 'erin@example.com' })],
        [],
        done,
      );
    });
    expect(signedUp.userConfirmed).toBe(false);
    const user = new CognitoUser({ Username: 'erin', Pool: pool, Storage: storage });
    await call((done) => {
      user.confirmRegistration(emulator.lastCode('erin', 'SignUp') ?? '', true, done);
    });
    await signIn(user, 'a long password');

    await call((done) => {
      user.updateAttributes([new CognitoUserAttribute({ Name: 'name', Value: 'Erin' })], done);
    });
    const attributes = await call<CognitoUserAttribute[]>((done) => {
      user.getUserAttributes(done);
    });
    expect(Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()]))).toMatchObject({
      email: 'erin@example.com',
      email_verified: 'true',
      name: 'Erin',
    });

    await call((done) => {
      user.changePassword('a long password', 'another long one', done);
    });

    const secret = await new Promise<string>((resolve, reject) => {
      user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject });
    });
    await new Promise((resolve, reject) => {
      user.verifySoftwareToken(emulator.totpCode(secret), 'phone', {
        onSuccess: resolve,
        onFailure: reject,
      });
    });
    await call((done) => {
      user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, done);
    });
    const again = new CognitoUser({ Username: 'erin', Pool: pool, Storage: storage });
    await signIn(again, 'another long one', () => emulator.totpCode(secret));
    expect(emulator.count('RespondToAuthChallenge', 'SOFTWARE_TOKEN_MFA')).toBe(1);

    await new Promise((resolve, reject) => {
      again.globalSignOut({ onSuccess: resolve, onFailure: reject });
    });
    await expect(
      call((done) => {
        user.getUserAttributes(done);
      }),
    ).rejects.toMatchObject({ code: 'NotAuthorizedException' });

    const last = new CognitoUser({ Username: 'erin', Pool: pool, Storage: storage });
    await signIn(last, 'another long one', () => emulator.totpCode(secret));
    await call((done) => {
      last.deleteUser(done);
    });
    expect(emulator.user('erin')).toBeUndefined();
  });
});
