import axios from 'axios';

import { CredentialsError, apigSigner, fromEnv } from '../../lib';
import { fromEnvByDefault } from '../../lib/credentials/fromEnv';

const VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
] as const;

describe('fromEnv', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of VARIABLES) delete process.env[name];
  });
  afterAll(() => {
    process.env = saved;
  });

  it('reads the keys, the session token and the expiration', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'env-secret';
    process.env['AWS_SESSION_TOKEN'] = 'env-token';
    process.env['AWS_CREDENTIAL_EXPIRATION'] = '2030-01-02T03:04:05Z';
    await expect(fromEnv()()).resolves.toEqual({
      accessKeyId: 'AKIDENV',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-token',
      expiration: new Date('2030-01-02T03:04:05Z'),
    });
  });

  it('leaves out a session token and expiration that are not set', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'env-secret';
    await expect(fromEnv()()).resolves.toEqual({
      accessKeyId: 'AKIDENV',
      secretAccessKey: 'env-secret',
    });
  });

  it('reads the variables when called, not when created', async () => {
    const strategy = fromEnv();
    process.env['AWS_ACCESS_KEY_ID'] = 'LATER';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'later-secret';
    await expect(strategy()).resolves.toMatchObject({ accessKeyId: 'LATER' });
  });

  it.each([
    [{ AWS_SECRET_ACCESS_KEY: 's' }, 'AWS_ACCESS_KEY_ID not set'],
    [{ AWS_ACCESS_KEY_ID: 'a' }, 'AWS_SECRET_ACCESS_KEY not set'],
    [{ AWS_SESSION_TOKEN: 't' }, 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set'],
    [{ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 's' }, 'AWS_ACCESS_KEY_ID not set'],
  ])('with %p: not available, try the next link', async (variables, words) => {
    Object.assign(process.env, variables);
    const error: unknown = await fromEnv()().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_CREDENTIALS_UNAVAILABLE', tryNextLink: true });
    expect((error as Error).message).toContain(words);
    expect((error as Error).message).not.toContain('s"');
  });

  it('a malformed AWS_CREDENTIAL_EXPIRATION stops the chain', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_CREDENTIAL_EXPIRATION: 'soon',
    });
    const error: unknown = await fromEnv()().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS', tryNextLink: false });
    expect((error as Error).message).not.toContain('env-secret');
  });

  it('where there is no process (a browser), it is not available', async () => {
    const strategy = fromEnv();
    const realProcess = globalThis.process;
    let pending: Promise<unknown>;
    Object.defineProperty(globalThis, 'process', {
      value: undefined,
      configurable: true,
      writable: true,
    });
    try {
      pending = strategy();
    } finally {
      Object.defineProperty(globalThis, 'process', {
        value: realProcess,
        configurable: true,
        writable: true,
      });
    }
    await expect(pending).rejects.toMatchObject({
      code: 'ERR_CREDENTIALS_UNAVAILABLE',
      tryNextLink: true,
      message: expect.stringContaining('no environment variables'),
    });
  });
});

/** Calls `strategy` where there is no `process`, as in a browser. */
function withoutProcess(strategy: () => Promise<unknown>): Promise<unknown> {
  const realProcess = globalThis.process;
  Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
  try {
    return strategy();
  } finally {
    Object.defineProperty(globalThis, 'process', {
      value: realProcess,
      configurable: true,
      writable: true,
    });
  }
}

describe('fromEnvByDefault (apigSigner() without a `credentials` option)', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of VARIABLES) delete process.env[name];
  });
  afterAll(() => {
    process.env = saved;
  });

  it('in a browser, says that `credentials` was left out, as well as why the environment failed', async () => {
    await expect(withoutProcess(fromEnvByDefault())).rejects.toMatchObject({
      code: 'ERR_CREDENTIALS_UNAVAILABLE',
      tryNextLink: true,
      message: expect.stringMatching(
        /^No `credentials` option was given to apigSigner\(\), so it read the environment: fromEnv\(\): no environment variables here \(a browser\?\)\. Pass `credentials`/,
      ),
    });
  });

  it('through apigSigner() with no options: the request fails with that message, unsent', async () => {
    let sent = 0;
    const api = axios.create({
      adapter: (config) => {
        sent += 1;
        return Promise.resolve({ data: '', status: 200, statusText: 'OK', headers: {}, config });
      },
    });
    api.interceptors.request.use(apigSigner());

    const error = await api
      .get('https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_CREDENTIALS_UNAVAILABLE' });
    expect((error as Error).message).toContain('No `credentials` option was given to apigSigner()');
    expect((error as Error).message).toContain(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set',
    );
    expect(sent).toBe(0);
  });

  it('passes other refusals of fromEnv() through unchanged', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'env-secret';
    process.env['AWS_CREDENTIAL_EXPIRATION'] = 'tomorrow';
    const error = await fromEnvByDefault()().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS', tryNextLink: false });
    expect((error as Error).message).not.toContain('No `credentials` option');
  });

  it('resolves what fromEnv() resolves', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'env-secret';
    await expect(fromEnvByDefault()()).resolves.toEqual({
      accessKeyId: 'AKIDENV',
      secretAccessKey: 'env-secret',
    });
  });
});
