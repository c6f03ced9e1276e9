import axios from 'axios';
import type { AxiosAdapter } from 'axios';

import {
  ConfigurationError,
  apigSigner,
  attachApigSigner,
  presignUrl,
  signRequest,
} from '../../lib';
import { createCognitoAuth } from '../../lib/cognito';
import { assertKnownKeys } from '../../lib/options/knownKeys';
import { startCognitoEmulator, startSigV4Gateway } from '../../lib/testing';
import { TEST_KEYS } from '../helpers/setup';

const API = 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod';

/** What `fn` threw (or rejected with), for assertions on code, class and message. */
async function refusal(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('assertKnownKeys', () => {
  const known = ['credentials', 'region', 'service', 'hosts', 'signQuery', 'expiresIn'];

  it('accepts the known keys, given or not', () => {
    expect(() => assertKnownKeys({}, known, 'f()')).not.toThrow();
    expect(() =>
      assertKnownKeys({ region: 'eu-west-2', hosts: undefined }, known, 'f()'),
    ).not.toThrow();
  });

  it.each([
    ['host', 'hosts'], // plural
    ['Region', 'region'], // case
    ['regoin', 'region'], // two letters swapped: two edits
    ['HOST', 'hosts'], // case and plural
    ['expiresin', 'expiresIn'],
    ['signquerys', 'signQuery'],
  ])('refuses `%s` and suggests `%s`', (key, suggestion) => {
    const error = (() => {
      try {
        assertKnownKeys({ [key]: 1 }, known, 'f(options)');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'ERR_CONFIGURATION' });
    expect((error as Error).message).toBe(
      `f(options): unknown option \`${key}\` (did you mean \`${suggestion}\`?): the options are ${known.join(', ')}.`,
    );
  });

  it.each([['timeout'], ['sign'], ['x'], ['ab']])(
    'refuses `%s` with the list of options and no suggestion (none is close enough)',
    (key) => {
      expect(() => assertKnownKeys({ [key]: 1 }, known, 'f(options)')).toThrow(
        `f(options): unknown option \`${key}\`: the options are ${known.join(', ')}.`,
      );
    },
  );

  it('does not quote the values given, which may be secrets', () => {
    expect(() => assertKnownKeys({ secretKey: 'wJalrXUtnFEMI' }, known, 'f()')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('wJalrXUtnFEMI') }),
    );
  });
});

describe('every entry that takes options refuses an unknown key, with a suggestion', () => {
  const credentials = TEST_KEYS;

  it.each<[string, () => unknown, string]>([
    ['apigSigner', () => apigSigner({ credentials, host: ['api.example.com'] } as never), 'hosts'],
    [
      'attachApigSigner',
      () => attachApigSigner(axios.create(), { credentials, Region: 'eu-west-2' } as never),
      'region',
    ],
    [
      'signRequest',
      () => signRequest({ url: `${API}/notes`, credentials, regoin: 'eu-west-2' } as never),
      'region',
    ],
    [
      'presignUrl',
      () => presignUrl({ url: `wss://${API.slice(8)}`, credentials, expiresin: 60 } as never),
      'expiresIn',
    ],
    [
      'createCognitoAuth',
      () =>
        createCognitoAuth({
          region: 'eu-west-2',
          userPoolId: 'eu-west-2_abc',
          clientId: 'client',
          identityPoolID: 'eu-west-2:1',
        } as never),
      'identityPoolId',
    ],
    ['startSigV4Gateway', () => startSigV4Gateway({ regions: 'eu-west-2' } as never), 'region'],
    ['startCognitoEmulator', () => startCognitoEmulator({ user: [] } as never), 'users'],
  ])('%s', async (entry, call, suggestion) => {
    const error = await refusal(call);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'ERR_CONFIGURATION' });
    expect((error as Error).message).toContain(`(did you mean \`${suggestion}\`?)`);
    // attachApigSigner shares apigSigner's options, and their messages.
    const named = entry === 'attachApigSigner' ? 'apigSigner' : entry;
    expect((error as Error).message.startsWith(`${named}(`)).toBe(true);
  });
});

describe('createCognitoAuth: the keys of its nested options', () => {
  const base = {
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_abc',
    clientId: 'client',
    identityPoolId: 'eu-west-2:1',
  };

  it.each([
    ['endpoints', { endpoints: { userpool: 'http://127.0.0.1:9229/' } }, 'userPool'],
    ['endpoints', { endpoints: { identityPool: 'http://127.0.0.1:9229/' } }, undefined],
    ['retry', { retry: { retrys: 3 } }, 'retries'],
  ])(
    'an unknown key under %s is refused, naming the key it resembles or every key',
    (where, extra, near) => {
      let error: unknown;
      try {
        createCognitoAuth({ ...base, ...extra } as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: 'ERR_CONFIGURATION' });
      const { message } = error as Error;
      expect(message).toContain(`createCognitoAuth(options.${where})`);
      if (near === undefined) expect(message).toContain('the options are userPool, identity.');
      else expect(message).toContain(`(did you mean \`${near}\`?)`);
    },
  );

  it('the known nested keys are accepted', () => {
    expect(() =>
      createCognitoAuth({
        ...base,
        endpoints: { userPool: 'http://127.0.0.1:9229/', identity: 'http://127.0.0.1:9229/' },
        retry: { retries: 1, baseDelayMs: 10 },
      }),
    ).not.toThrow();
  });
});

describe('apigSigner given to use() without being called', () => {
  it('fails the request before it is sent, saying to call apigSigner(options)', async () => {
    let sent = 0;
    const adapter: AxiosAdapter = (config) => {
      sent += 1;
      return Promise.resolve({ data: '', status: 200, statusText: 'OK', headers: {}, config });
    };
    const api = axios.create({ baseURL: API, adapter });
    // Plain JavaScript lets this through; TypeScript refuses it.
    api.interceptors.request.use(apigSigner as never);

    const error = await refusal(() => api.get('/notes'));

    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'ERR_CONFIGURATION' });
    expect((error as Error).message).toContain('call apigSigner(options)');
    expect(sent).toBe(0);
  });
});
