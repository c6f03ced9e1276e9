import { CredentialsError, fromEnv } from '../../lib';

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
