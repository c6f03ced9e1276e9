import { inspect } from 'node:util';

import axios from 'axios';

import {
  ApigSignerError,
  apigSigner,
  attachApigSigner,
  chain,
  fromEnv,
  fromStatic,
  memoize,
} from '../../lib';
import type { Credentials, ApigSignerDebugEvent } from '../../lib';
import { createMemoryStorage } from '../../lib/cognito';
import { ALICE, cognitoWorld } from '../helpers/cognito';
import { showCollector } from '../helpers/shown';

/**
 * One sweep over the error paths of the signer, the strategies, recovery and the Cognito entry:
 * no message, cause, log line, JSON.stringify or util.inspect of our objects may show a secret
 * key, session token, password, refresh token or JWT. (Credentials objects themselves are plain
 * data by design and are not swept.)
 */
it('no secret, token, password or JWT in anything apig-signer shows', async () => {
  const { shown, show } = showCollector();
  // Our errors are swept; axios's own responses and AxiosErrors carry the request's headers
  // (X-Amz-Security-Token included) by axios's design, and are not ours to show.
  const settle = async (run: () => Promise<unknown>) => {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (error instanceof ApigSignerError) show(error);
    else if (error !== undefined && !axios.isAxiosError(error)) show(error);
  };
  const logs: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => inspect(a)).join(' '));
    }),
  );

  const storage = createMemoryStorage();
  const world = await cognitoWorld(
    {
      users: [
        { ...ALICE },
        { username: 'mfa', password: 'mfa password 1', mfa: 'SOFTWARE_TOKEN_MFA' },
      ],
    },
    { storage },
  );
  try {
    // The Cognito flow, and everything it can refuse.
    await world.auth.signIn(ALICE.username, ALICE.password);
    const identity = await world.auth.credentials();
    const prefix = `CognitoIdentityServiceProvider.${world.cognito.clientId}.alice`;
    const secrets = [
      ALICE.password,
      'mfa password 1',
      'a wrong password',
      storage.getItem(`${prefix}.refreshToken`)!,
      storage.getItem(`${prefix}.idToken`)!,
      storage.getItem(`${prefix}.accessToken`)!,
      identity.secretAccessKey,
      identity.sessionToken!,
    ];
    show(world.auth);
    show(world.auth.credentials);
    await settle(() => world.api.get('/ok'));
    await settle(() => world.newAuth().signIn('alice', 'a wrong password'));
    await settle(() => world.newAuth().signIn('nobody', 'a wrong password'));
    const mfa = await world.newAuth().signIn('mfa', 'mfa password 1');
    show(mfa);
    await settle(() => mfa.challenge!.answer('000000'));
    world.cognito.fail({
      operation: 'GetCredentialsForIdentity',
      error: 'TooManyRequestsException',
      times: 5,
    });
    world.auth.credentials.invalidate();
    await settle(() => world.api.get('/throttled'));
    world.cognito.fail({ operation: '*', error: 'InternalErrorException', times: 5 });
    await settle(() => world.newAuth().signIn(ALICE.username, ALICE.password));
    world.cognito.revokeRefreshTokens('alice');
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
      now: Date.now() + 58 * 60_000,
    });
    await settle(() => world.auth.getIdToken());
    jest.useRealTimers();
    await settle(() => world.api.get('/signed-out'));

    // The signer, its strategies and recovery, with the identity credentials as the secret.
    const keys: Credentials = {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      sessionToken: identity.sessionToken!,
    };
    const debugInfo: ApigSignerDebugEvent[] = [];
    const api = axios.create({ baseURL: `${world.gateway.url}/prod` });
    const signer = attachApigSigner(api, {
      credentials: keys,
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
      debug: (info) => debugInfo.push(info),
    });
    show(signer);
    show(apigSigner({ credentials: keys }));
    show(memoize(fromStatic(keys)));
    await settle(() => api.get('/debugged', { params: { q: 'x' } }));
    await settle(() => api.get('/bad-header', { headers: { 'X-Bad': 'ā' } }));
    await settle(() => api.post('/stream', new ReadableStream()));
    await settle(() => api.get('/relative-without-base', { baseURL: '' }));
    for (const strategy of [
      () => Promise.resolve({ ...keys, expiration: new Date(0) }),
      () => Promise.resolve({ ...keys, secretAccessKey: 42 } as never),
      () => new Promise<Credentials>(() => undefined),
      chain(fromEnv()),
    ]) {
      const failing = axios.create({ baseURL: world.gateway.url });
      attachApigSigner(failing, {
        credentials: strategy,
        region: 'us-east-1',
        hosts: ['127.0.0.1'],
        credentialsTimeoutMs: 20,
      });
      await settle(() => failing.get('/x'));
    }
    for (const bad of [
      { ...keys, accessKeyId: '' },
      { ...keys, sessionToken: 1 },
      { ...keys, expiration: 'soon' },
    ]) {
      try {
        fromStatic(bad as never);
      } catch (error) {
        show(error);
      }
    }
    show(debugInfo);

    expect(shown.length).toBeGreaterThan(30);
    expect(debugInfo.length).toBeGreaterThan(0);
    for (const text of [...shown, ...logs]) {
      for (const secret of secrets) {
        if (text.includes(secret))
          throw new Error(
            `a secret was shown: …${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret))}…`,
          );
      }
    }
  } finally {
    jest.useRealTimers();
    for (const spy of spies) spy.mockRestore();
    await world.close();
  }
});
