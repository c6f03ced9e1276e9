import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { Sha256 } from '@aws-crypto/sha256-js';

import type { CognitoEmulator } from '../../lib/testing';

/** The AWS SDK's own user-pool client, pointed at the emulator (its calls are unsigned). */
export function userPoolClient(emulator: CognitoEmulator): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: emulator.region,
    endpoint: emulator.url,
    credentials: { accessKeyId: 'AKIDUNUSED', secretAccessKey: 'unused' },
    maxAttempts: 1,
  });
}

/** Signs in with `USER_PASSWORD_AUTH` and returns the tokens. */
export async function passwordSignIn(
  client: CognitoIdentityProviderClient,
  emulator: CognitoEmulator,
  username: string,
  password: string,
): Promise<AuthenticationResultType> {
  const out = await client.send(
    new InitiateAuthCommand({
      ClientId: emulator.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (out.AuthenticationResult === undefined)
    throw new Error(`challenge ${String(out.ChallengeName)}`);
  return out.AuthenticationResult;
}

const load = createRequire(__filename);

/** amazon-cognito-identity-js's SRP helpers (exported, but without type declarations). */
const reference = load('amazon-cognito-identity-js') as {
  AuthenticationHelper: new (pool: string) => Helper;
  DateHelper: new () => { getNowString(): string };
};
const BigInteger = (
  load('amazon-cognito-identity-js/lib/BigInteger') as {
    default: new (hex: string, radix: number) => unknown;
  }
).default;

interface Helper {
  getLargeAValue(
    callback: (error: Error | null, A: { toString(radix: number): string }) => void,
  ): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    B: unknown,
    salt: unknown,
    callback: (error: Error | null, key: Uint8Array) => void,
  ): void;
}

/**
 * The client half of Cognito's SRP, done by amazon-cognito-identity-js's `AuthenticationHelper`
 * (the reference, not the emulator's own code): `SRP_A` first, then the `PASSWORD_VERIFIER`
 * answer for the challenge parameters that came back.
 */
export async function srpClient(poolName: string) {
  const helper = new reference.AuthenticationHelper(poolName);
  const A = await new Promise<string>((resolve, reject) => {
    helper.getLargeAValue((error, value) => {
      if (error) reject(error);
      else resolve(value.toString(16));
    });
  });
  return {
    A,
    async answer(
      parameters: Record<string, string>,
      password: string,
      userId = parameters['USER_ID_FOR_SRP'] ?? '',
    ): Promise<Record<string, string>> {
      const key = await new Promise<Uint8Array>((resolve, reject) => {
        helper.getPasswordAuthenticationKey(
          userId,
          password,
          new BigInteger(parameters['SRP_B'] ?? '', 16),
          new BigInteger(parameters['SALT'] ?? '', 16),
          (error, value) => {
            if (error) reject(error);
            else resolve(value);
          },
        );
      });
      const timestamp = new reference.DateHelper().getNowString();
      const hash = new Sha256(key);
      hash.update(
        Buffer.concat([
          Buffer.from(poolName, 'utf8'),
          Buffer.from(userId, 'utf8'),
          Buffer.from(parameters['SECRET_BLOCK'] ?? '', 'base64'),
          Buffer.from(timestamp, 'utf8'),
        ]),
      );
      return {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: parameters['SECRET_BLOCK'] ?? '',
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: Buffer.from(await hash.digest()).toString('base64'),
      };
    },
  };
}

/** `SECRET_HASH` as Cognito defines it: base64 HMAC-SHA256(secret, username ‖ clientId). */
export const secretHash = (secret: string, username: string, clientId: string): string =>
  createHmac('sha256', secret)
    .update(username + clientId)
    .digest('base64');

/** Calls the emulator with a raw JSON 1.1 request (for what no SDK command sends). */
export async function rawCall(emulator: CognitoEmulator, target: string, body: unknown) {
  const response = await fetch(emulator.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
