// A consumer of the built package, type-checked by scripts/check-types.mjs under every
// moduleResolution (node10, node16, nodenext, bundler) with `apig-signer` installed as a
// dependency. It passes when it compiles: each entry point's types are found and are not `any`
// (the @ts-expect-error lines fail to compile when a type degrades to `any`).
import axios from 'axios';
import { attachApigSigner, SigningError } from 'apig-signer';
import type { ApigSignerOptions, Sha256Constructor } from 'apig-signer';
import { createCognitoAuth, NotSignedInError } from 'apig-signer/cognito';
import type { CognitoAuth } from 'apig-signer/cognito';
import { startSigV4Gateway } from 'apig-signer/testing';
import type { SigV4Gateway } from 'apig-signer/testing';

declare const sha256: Sha256Constructor;
const options: ApigSignerOptions = { region: 'eu-west-2', sha256 };
// @ts-expect-error region is a string
export const wrongOptions: ApigSignerOptions = { region: 42 };

export const auth: CognitoAuth = createCognitoAuth({
  region: 'eu-west-2',
  userPoolId: 'eu-west-2_AbCdEf123',
  clientId: 'client',
  identityPoolId: 'eu-west-2:1234',
});
// @ts-expect-error userPoolId is required
createCognitoAuth({ region: 'eu-west-2' });

export async function run(): Promise<void> {
  const gateway: SigV4Gateway = await startSigV4Gateway();
  // @ts-expect-error the gateway has no such member
  gateway.noSuchMember();
  const signer = attachApigSigner(axios.create(), { ...options, credentials: auth.credentials });
  signer.eject();
  await gateway.close();
}

export function describe(error: unknown): string {
  if (error instanceof SigningError) return error.code;
  if (error instanceof NotSignedInError) return error.name;
  return 'other';
}
