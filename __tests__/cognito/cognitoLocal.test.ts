/**
 * The account lifecycle against an independent user-pool emulator, cognito-local (npm): sign-up →
 * confirm → sign-in → attributes → change password → delete. cognito-local does not do SRP, so
 * this signs in with USER_PASSWORD_AUTH; SRP is proved against our emulator and
 * amazon-cognito-identity-js (srp.test.ts). It runs as a child process on 127.0.0.1 in a
 * temporary directory (it keeps its pools under ./.cognito), its output kept off the console.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createCognitoAuth } from '../../lib/cognito';

let child: ChildProcess | undefined;
let dir = '';
let output = '';
let url = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cognito-local-'));
  child = spawn(process.execPath, [require.resolve('cognito-local/lib/bin/start.js')], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEBUG: '' },
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`cognito-local did not start: ${output}`)),
      20_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child?.stdout?.on('data', read);
    child?.stderr?.on('data', read);
  });
}, 30_000);

afterAll(() => {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function call(operation: string, body: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, Record<string, string>>;
}

const CAROL = 'carol@example.com';

/** The confirmation code cognito-local "sent": it keeps it on the user in its pool's file. */
function confirmationCode(userPoolId: string): string {
  const db = JSON.parse(
    readFileSync(join(dir, '.cognito', 'db', `${userPoolId}.json`), 'utf8'),
  ) as { Users?: Record<string, { ConfirmationCode?: string }> };
  const codes = Object.values(db.Users ?? {}).map((user) => user.ConfirmationCode);
  if (codes.length !== 1) throw new Error(`expected one user: ${JSON.stringify(db).slice(0, 500)}`);
  return codes[0] ?? '';
}

describe('the account lifecycle against cognito-local (USER_PASSWORD_AUTH: it has no SRP)', () => {
  it('sign-up, confirm, sign-in, attributes, change password, delete', async () => {
    const pool = await call('CreateUserPool', { PoolName: 'lifecycle', UsernameAttributes: [] });
    const userPoolId = pool['UserPool']?.['Id'] ?? '';
    const client = await call('CreateUserPoolClient', {
      UserPoolId: userPoolId,
      ClientName: 'app',
    });
    const auth = createCognitoAuth({
      region: 'local',
      userPoolId,
      clientId: client['UserPoolClient']?.['ClientId'] ?? '',
      identityPoolId: 'local:00000000-0000-4000-8000-000000000001',
      endpoints: { userPool: url },
      authFlow: 'USER_PASSWORD_AUTH',
    });

    // cognito-local's pools sign users in by email.
    const signedUp = await auth.signUp(CAROL, 'first Password 1', {
      attributes: { email: CAROL },
    });
    expect(signedUp).toMatchObject({ userConfirmed: false, userSub: expect.any(String) });
    await auth.confirmSignUp(CAROL, confirmationCode(userPoolId));
    expect(await auth.signIn(CAROL, 'first Password 1')).toMatchObject({
      username: expect.any(String),
    });
    expect(auth.username).toBeDefined();
    expect(await auth.getUserAttributes()).toMatchObject({ email: CAROL });
    await auth.updateUserAttributes({ name: 'Carol' });
    expect(await auth.getUserAttributes()).toMatchObject({ name: 'Carol' });
    await auth.changePassword('first Password 1', 'second Password 2');
    auth.signOut();
    // The old password no longer signs in. cognito-local answers InvalidPasswordException where
    // Cognito says NotAuthorizedException, so the code differs from real Cognito's
    // ERR_WRONG_PASSWORD; the refusal is what this checks.
    await expect(auth.signIn(CAROL, 'first Password 1')).rejects.toMatchObject({
      name: 'AuthError',
    });
    await auth.signIn(CAROL, 'second Password 2');
    await auth.deleteUser();
    expect(auth.username).toBeUndefined();
    await expect(auth.signIn(CAROL, 'second Password 2')).rejects.toMatchObject({
      name: 'AuthError',
    });
  });
});
