// Type-level tests, compiled by `npm run typecheck` (tsc --noEmit): they pass when they compile.
import { fromIni } from '@aws-sdk/credential-provider-ini';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import axios from 'axios';

import { apigSigner, chain, fromEnv, fromStatic, memoize } from '../../lib';
import type { Credentials, CredentialsProvider, MemoizedCredentialsProvider } from '../../lib';

declare const sdkProvider: AwsCredentialIdentityProvider;
declare const sdkIdentity: AwsCredentialIdentity;

// An AWS SDK v3 provider is one of our strategies, unchanged.
export const asStrategy: CredentialsProvider = sdkProvider;
export const asCredentials: Credentials = sdkIdentity;
export const fromSdk: CredentialsProvider = fromIni({ profile: 'default' });

// Every strategy plugs into apigSigner, chain and memoize.
apigSigner({ credentials: sdkProvider });
apigSigner({ credentials: fromIni() });
apigSigner({ credentials: sdkIdentity });
apigSigner({
  credentials: chain(fromEnv(), fromIni(), fromStatic({ accessKeyId: 'a', secretAccessKey: 'b' })),
});
export const memoized: MemoizedCredentialsProvider = memoize(sdkProvider, {
  refreshWindowMs: 60_000,
});
memoized.invalidate();

// The interceptor is what axios's request interceptors take, and per-request options are typed.
axios.create().interceptors.request.use(apigSigner());
void axios.get('/x', { apigSigner: { sign: false, region: 'eu-west-1', service: 'execute-api' } });

// @ts-expect-error: a strategy must resolve to credentials
export const wrongShape: CredentialsProvider = () => Promise.resolve({ accessKeyId: 1 });
// @ts-expect-error: per-request options are checked
void axios.get('/x', { apigSigner: { sign: 'no' } });
// @ts-expect-error: fromStatic needs a secret
fromStatic({ accessKeyId: 'a' });
