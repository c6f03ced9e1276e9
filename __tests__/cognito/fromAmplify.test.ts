import axios from 'axios';
import type { AxiosInstance, AxiosError } from 'axios';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';

import { attachApigSigner, ConfigurationError } from '../../lib';
import type { CredentialsProvider } from '../../lib';
import { fromAmplify, NotSignedInError } from '../../lib/cognito';
import type { AmplifyCredentialsProvider } from '../../lib/cognito';
import { startCognitoEmulator, startSigV4Gateway } from '../../lib/testing';
import type { CognitoEmulator, SigV4Gateway } from '../../lib/testing';

/**
 * The real aws-amplify v6 in Node, signed in by SRP against the emulator, its identity-pool
 * credentials signing requests that the independent gateway verifies.
 */
const ALICE = { username: 'alice', password: 'correct horse battery' };
const BOB = { username: 'bob', password: 'battery staple horse' };

let gateway: SigV4Gateway;
let cognito: CognitoEmulator;

beforeAll(async () => {
  gateway = await startSigV4Gateway({ credentials: [] });
  cognito = await startCognitoEmulator({ users: [ALICE, BOB], gateways: [gateway] });
  // Amplify warns (on the console) that the endpoints are not AWS's: expected here, and kept off
  // the test output.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: cognito.userPoolId,
        userPoolClientId: cognito.clientId,
        identityPoolId: cognito.identityPoolId,
        userPoolEndpoint: cognito.url,
        identityPoolEndpoint: cognito.url,
      },
    },
  });
  expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
    expect.stringMatching(/custom Amazon Amazon Cognito User Pool endpoint/),
    expect.stringMatching(/custom Amazon Amazon Cognito Identity Pool endpoint/),
  ]);
  warn.mockRestore();
});

afterAll(async () => {
  await signOut();
  await cognito.close();
  await gateway.close();
});

let strategy: AmplifyCredentialsProvider | undefined;
afterEach(async () => {
  strategy?.stopListening();
  strategy = undefined;
  await signOut();
});

function signedApi(credentials: CredentialsProvider): AxiosInstance {
  const api = axios.create({ baseURL: `${gateway.url}/prod` });
  attachApigSigner(api, { credentials, region: 'us-east-1', hosts: ['127.0.0.1'] });
  return api;
}

/** The access key of each request the gateway received, with its verdict. */
const seen = (from: number) =>
  gateway.requests
    .slice(from)
    .map((r) => ({ key: r.verdict.accessKeyId, status: r.verdict.status }));

/** Makes the gateway answer `ExpiredTokenException` for a key, as AWS does once it lapsed. */
function expireAtGateway(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}) {
  gateway.addCredentials({ ...credentials, expiration: new Date(Date.now() - 1000) });
}

describe('fromAmplify', () => {
  it('signs API calls with the credentials of the Amplify session', async () => {
    await signIn({ username: ALICE.username, password: ALICE.password });
    strategy = fromAmplify({ fetchAuthSession, Hub });
    const api = signedApi(strategy);
    const from = gateway.requests.length;

    await expect(api.get('/notes')).resolves.toMatchObject({ status: 200 });
    const session = await fetchAuthSession();
    expect(seen(from)).toEqual([{ key: session.credentials?.accessKeyId, status: 200 }]);
  });

  it('after an expired-token refusal, forces one Amplify refresh and the call succeeds', async () => {
    await signIn({ username: ALICE.username, password: ALICE.password });
    const spy = jest.fn(fetchAuthSession);
    strategy = fromAmplify({ fetchAuthSession: spy, Hub });
    const api = signedApi(strategy);
    await api.get('/notes');
    const refused = (await fetchAuthSession()).credentials!;
    expireAtGateway(refused);
    spy.mockClear();
    const refreshes = cognito.count('GetTokensFromRefreshToken');
    const issued = cognito.count('GetCredentialsForIdentity');
    const from = gateway.requests.length;

    await expect(api.get('/notes')).resolves.toMatchObject({ status: 200 });

    expect(spy.mock.calls).toEqual([[{ forceRefresh: true }]]);
    expect(cognito.count('GetTokensFromRefreshToken')).toBe(refreshes + 1);
    expect(cognito.count('GetCredentialsForIdentity')).toBe(issued + 1);
    const fresh = (await fetchAuthSession()).credentials!;
    expect(fresh.accessKeyId).not.toBe(refused.accessKeyId);
    expect(seen(from)).toEqual([
      { key: refused.accessKeyId, status: 403 },
      { key: fresh.accessKeyId, status: 200 },
    ]);
  });

  it('(why: the plain pattern gets the refused key back from Amplify and fails)', async () => {
    await signIn({ username: ALICE.username, password: ALICE.password });
    const plain = async () => (await fetchAuthSession()).credentials!;
    const api = signedApi(plain);
    await api.get('/notes');
    const refused = (await fetchAuthSession()).credentials!;
    expireAtGateway(refused);
    const from = gateway.requests.length;

    const failure: unknown = await api.get('/notes').catch((error: unknown) => error);
    expect((failure as AxiosError).response?.status).toBe(403);
    expect(seen(from)).toEqual([
      { key: refused.accessKeyId, status: 403 },
      { key: refused.accessKeyId, status: 403 },
    ]);
  });

  it('after Amplify signOut(), the next request is not signed with the old credentials', async () => {
    await signIn({ username: ALICE.username, password: ALICE.password });
    strategy = fromAmplify({ fetchAuthSession, Hub });
    const api = signedApi(strategy);
    await api.get('/notes');
    const revoked = cognito.count('RevokeToken');

    await signOut();

    const from = gateway.requests.length;
    const failure: unknown = await api.get('/notes').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotSignedInError);
    expect(failure).toMatchObject({ code: 'ERR_NOT_SIGNED_IN' });
    expect(seen(from)).toEqual([]);
    // The tokens carry origin_jti, so Amplify revoked its refresh token at the emulator.
    expect(cognito.count('RevokeToken')).toBe(revoked + 1);
  });

  it('after another user signs in, requests use that user’s credentials, never the last ones', async () => {
    await signIn({ username: ALICE.username, password: ALICE.password });
    strategy = fromAmplify({ fetchAuthSession, Hub });
    const api = signedApi(strategy);
    await api.get('/notes');
    const alices = (await fetchAuthSession()).credentials!.accessKeyId;
    await signOut();
    await signIn({ username: BOB.username, password: BOB.password });
    const from = gateway.requests.length;

    await expect(api.get('/notes')).resolves.toMatchObject({ status: 200 });
    const bobs = (await fetchAuthSession()).credentials!.accessKeyId;
    expect(bobs).not.toBe(alices);
    expect(seen(from)).toEqual([{ key: bobs, status: 200 }]);
  });

  it('a sign-out during a fetch under way: the credentials it brings are not used', async () => {
    await signIn({ username: ALICE.username, password: ALICE.password });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    strategy = fromAmplify({
      fetchAuthSession: async (options) => {
        const session = await fetchAuthSession(options);
        await gate;
        return session;
      },
      Hub,
    });
    const pending = strategy();
    const outcome = pending.catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await signOut();
    release();
    expect(await outcome).toBeInstanceOf(NotSignedInError);
  });

  it('refuses options that are not Amplify’s functions, before any call', () => {
    expect(() => fromAmplify({ Hub } as never)).toThrow(ConfigurationError);
    expect(() => fromAmplify({ fetchAuthSession } as never)).toThrow(/Hub/);
    expect(() => fromAmplify({ fetchAuthSession, Hub: {} } as never)).toThrow(/aws-amplify\/utils/);
  });
});
