import { ConfigurationError, CredentialsError, chain, fromEnv, fromStatic } from '../../lib';
import type { Credentials } from '../../lib';

const KEYS: Credentials = { accessKeyId: 'AKIDCHAIN', secretAccessKey: 'chain-secret' };
const notHere = (message: string) =>
  jest.fn(() =>
    Promise.reject(
      new CredentialsError('ERR_CREDENTIALS_UNAVAILABLE', message, { tryNextLink: true }),
    ),
  );

describe('chain', () => {
  it('resolves to the first strategy that has credentials, and stops there', async () => {
    const first = notHere('first: not here');
    const last = jest.fn(() => Promise.resolve({ ...KEYS, accessKeyId: 'LAST' }));
    await expect(chain(first, fromStatic(KEYS), last)()).resolves.toEqual(KEYS);
    expect(first).toHaveBeenCalledTimes(1);
    expect(last).not.toHaveBeenCalled();
  });

  it('moves on after an AWS SDK ProviderError-like error with tryNextLink', async () => {
    const sdkLike = Object.assign(new Error('Could not load credentials from profile'), {
      name: 'CredentialsProviderError',
      tryNextLink: true,
    });
    await expect(chain(() => Promise.reject(sdkLike), fromStatic(KEYS))()).resolves.toEqual(KEYS);
  });

  it('stops at an error without tryNextLink: configured but refused', async () => {
    const refused = new CredentialsError('ERR_CREDENTIALS', 'refused');
    const next = jest.fn(() => Promise.resolve(KEYS));
    await expect(chain(() => Promise.reject(refused), next)()).rejects.toBe(refused);
    expect(next).not.toHaveBeenCalled();
  });

  it('stops at a plain error, which says nothing about trying the next', async () => {
    const plain = new Error('boom');
    await expect(chain(() => Promise.reject(plain), fromStatic(KEYS))()).rejects.toBe(plain);
  });

  it('lists what was tried when nothing had credentials', async () => {
    const saved = { ...process.env };
    delete process.env['AWS_ACCESS_KEY_ID'];
    process.env['AWS_SECRET_ACCESS_KEY'] = 'set-but-alone';
    try {
      const error: unknown = await chain(notHere('vault: not configured'), fromEnv(), () =>
        Promise.reject(
          Object.assign(new Error('no profile'), { name: 'ProviderError', tryNextLink: true }),
        ),
      )().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect(error).toMatchObject({ code: 'ERR_CREDENTIALS_UNAVAILABLE', tryNextLink: true });
      expect((error as Error).message).toBe(
        "No strategy in the chain could provide credentials. Tried: #1 (mockConstructor): ERR_CREDENTIALS_UNAVAILABLE; #2 (fromEnvProvider): ERR_CREDENTIALS_UNAVAILABLE; #3: ProviderError. Each strategy's own error is in `cause.errors`.",
      );
    } finally {
      process.env = saved;
    }
  });

  it("never copies a skipped strategy's message; its error stays available as cause", async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET';
    const leaky = Object.assign(new Error(`profile dev has aws_secret_access_key=${secret}`), {
      name: 'CredentialsProviderError',
      tryNextLink: true,
    });
    const ours = new CredentialsError('ERR_CREDENTIALS_UNAVAILABLE', `token ${secret}`, {
      tryNextLink: true,
    });
    const error = (await chain(
      () => Promise.reject(ours),
      () => Promise.reject(leaky),
    )().catch((e: unknown) => e)) as CredentialsError;
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain('#2: CredentialsProviderError');
    expect(error.cause).toBeInstanceOf(AggregateError);
    expect((error.cause as AggregateError).errors).toEqual([ours, leaky]);
  });

  it('chains nest: an exhausted inner chain lets the outer one move on', async () => {
    await expect(chain(chain(notHere('a'), notHere('b')), fromStatic(KEYS))()).resolves.toEqual(
      KEYS,
    );
  });

  it('refuses no strategies or a non-function at once', () => {
    expect(() => chain()).toThrow(ConfigurationError);
    expect(() => chain(fromStatic(KEYS), 'env' as never)).toThrow(/strategy #2 is not a function/);
  });
});
