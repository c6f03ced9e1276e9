import {
  ConfigurationError,
  CredentialsError,
  apigSigner,
  memoize,
  memoizeOwn,
  signRequest,
} from '../../lib';

/** What AWS STS AssumeRole (SDK v3) answers with, or `aws sts assume-role` prints. */
const STS_SHAPED = {
  AccessKeyId: 'ASIASTSSHAPED',
  SecretAccessKey: 'sts-secret-value',
  SessionToken: 'sts-session-token',
  Expiration: new Date(Date.now() + 3_600_000),
};

describe('credentials in the shape AWS STS returns them (AccessKeyId, …)', () => {
  it('as the `credentials` option: refused at once, asking "did you mean accessKeyId?"', () => {
    const error = (() => {
      try {
        apigSigner({ credentials: STS_SHAPED as never });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
    expect((error as Error).message).toContain('did you mean accessKeyId?');
    expect((error as Error).message).not.toContain('sts-secret-value');
    expect((error as Error).message).not.toContain('sts-session-token');
  });

  it('returned by a strategy: the request fails with the same hint, unsent', async () => {
    const error = await signRequest({
      url: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes',
      credentials: () => Promise.resolve(STS_SHAPED as never),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
    expect((error as Error).message).toContain('did you mean accessKeyId?');
    expect((error as Error).message).not.toContain('sts-secret-value');
  });

  it('returned by a strategy given to memoize(): the same hint (apigSigner memoises strategies)', async () => {
    const error = await memoize(() => Promise.resolve(STS_SHAPED as never))().catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
    expect((error as Error).message).toContain('did you mean accessKeyId?');
  });

  it("memoizeOwn() (the Cognito entry's own credentials): still refused, without the hint table", async () => {
    const error = await memoizeOwn(() => Promise.resolve(STS_SHAPED as never))().catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
    expect((error as Error).message).toContain('accessKeyId must be a non-empty string');
    expect((error as Error).message).not.toContain('did you mean');
    expect((error as Error).message).not.toContain('sts-secret-value');
  });
});

describe('signRequest: credentials a strategy returns already expired', () => {
  const url = 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes';
  const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'expired-secret-value' };

  it('refused with ERR_CREDENTIALS_EXPIRED, nothing signed, no secret in the message', async () => {
    const expiration = new Date(Date.now() - 60_000);
    const error = await signRequest({
      url,
      credentials: () => Promise.resolve({ ...keys, expiration }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_CREDENTIALS_EXPIRED' });
    expect((error as Error).message).toContain(expiration.toISOString());
    expect((error as Error).message).not.toContain('expired-secret-value');
  });

  it('signed when the expiration is still ahead', async () => {
    const signed = await signRequest({
      url,
      credentials: () => Promise.resolve({ ...keys, expiration: new Date(Date.now() + 3_600_000) }),
    });
    expect(signed.headers['authorization'] ?? signed.headers['Authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//,
    );
  });
});
