import { ConfigurationError, SigningError, memoize, presignUrl, signRequest } from '../../lib';
import type { Credentials } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { TEST_KEYS, startTestGateway } from '../helpers/setup';

let gateway: SigV4Gateway;
beforeEach(async () => {
  gateway = await startTestGateway();
});
afterEach(async () => {
  await gateway.close();
});

const region = 'us-east-1';

/** A strategy that counts its calls; memoised and temporary, as an app shares one. */
function sharedStrategy() {
  const strategy = jest.fn(() =>
    Promise.resolve<Credentials>({ ...TEST_KEYS, expiration: new Date(Date.now() + 3_600_000) }),
  );
  return { strategy, credentials: memoize(strategy) };
}

describe('signRequest / presignUrl validate every input before fetching credentials', () => {
  it.each([
    ['an invalid Date', new Date(Number.NaN)],
    ['a date past year 9999', new Date(Date.UTC(10_000, 0, 1))],
    ['a string', '2026-01-01T00:00:00Z' as unknown as Date],
    ['a number', 1_767_225_600_000 as unknown as Date],
  ])(
    'signingDate %s: ERR_CONFIGURATION, the strategy is never called, the shared cache is kept',
    async (_, signingDate) => {
      const { strategy, credentials } = sharedStrategy();
      const url = `${gateway.url}/prod/notes`;
      // The app's shared cache holds credentials.
      await signRequest({ url, credentials, region });
      expect(strategy).toHaveBeenCalledTimes(1);

      for (const call of [
        () => signRequest({ url, credentials, region, signingDate }),
        () => presignUrl({ url, credentials, region, signingDate }),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigurationError);
        expect(error).toMatchObject({ code: 'ERR_CONFIGURATION' });
        expect((error as Error).message).toMatch(/signingDate must be a valid Date/);
      }
      // Nothing fetched, nothing dropped: the next request still uses the cached credentials.
      const ok = await signRequest({ url, credentials, region });
      expect(strategy).toHaveBeenCalledTimes(1);
      expect((await fetch(ok.url, ok)).status).toBe(200);
    },
  );

  it.each([
    ['a method with a space', { method: 'GET X' }],
    ['an empty method', { method: '' }],
    ['a method that is not a string', { method: 42 as unknown as string }],
    ['signQuery that is not a boolean', { signQuery: 'yes' as unknown as boolean }],
    ['unsignedPayload that is not a boolean', { unsignedPayload: 1 as unknown as boolean }],
    ['a header name HTTP cannot carry', { headers: { 'x bad': '1' } }],
  ])('%s: ERR_CONFIGURATION before the strategy is called', async (_, extra) => {
    const strategy = jest.fn(() => Promise.resolve<Credentials>({ ...TEST_KEYS }));
    await expect(
      signRequest({ url: `${gateway.url}/prod/x`, credentials: strategy, region, ...extra }),
    ).rejects.toMatchObject({ name: 'ConfigurationError', code: 'ERR_CONFIGURATION' });
    expect(strategy).not.toHaveBeenCalled();
  });
});

describe('signRequest accepts a fetch Request', () => {
  it('reads its method, URL, headers and body, and leaves the Request itself unread', async () => {
    const request = new Request(`${gateway.url}/prod/notes/two words?tag=a+b`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
      body: JSON.stringify({ content: 'héllo' }),
    });
    const signed = await signRequest({ url: request, credentials: TEST_KEYS, region });
    expect(signed.method).toBe('PUT');
    expect((await fetch(signed.url, signed)).status).toBe(200);
    const received = gateway.requests[0]!;
    expect(received.verdict.accepted).toBe(true);
    expect(received.method).toBe('PUT');
    expect(received.path).toBe('/prod/notes/two words');
    expect(received.body.toString()).toBe('{"content":"héllo"}');
    expect(received.verdict.signedHeaders).toEqual(
      expect.arrayContaining(['content-type', 'x-trace']),
    );
    // Read through a clone: the caller's Request can still be read.
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe('{"content":"héllo"}');
  });

  it('reads a stream body through a clone, and signs the bytes it read', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk one, '));
        controller.enqueue(new TextEncoder().encode('chunk two'));
        controller.close();
      },
    });
    const request = new Request(`${gateway.url}/prod/upload`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const signed = await signRequest({ url: request, credentials: TEST_KEYS, region });
    expect((await fetch(signed.url, signed)).status).toBe(200);
    expect(gateway.requests[0]!.body.toString()).toBe('chunk one, chunk two');
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
  });

  it('refuses a Request whose body was already read, naming Request, before any fetch', async () => {
    const strategy = jest.fn(() => Promise.resolve<Credentials>({ ...TEST_KEYS }));
    const request = new Request(`${gateway.url}/prod/x`, { method: 'POST', body: 'once' });
    await request.text();
    const error = await signRequest({ url: request, credentials: strategy, region }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SigningError);
    expect(error).toMatchObject({ code: 'ERR_STREAM_BODY' });
    expect((error as Error).message).toMatch(/Request's body has already been read/);
    expect(strategy).not.toHaveBeenCalled();
  });

  it('refuses a Request together with method, headers or body, naming Request', async () => {
    const request = new Request(`${gateway.url}/prod/x`);
    for (const extra of [{ method: 'POST' }, { headers: { a: '1' } }, { body: 'x' }]) {
      await expect(
        signRequest({ url: request, credentials: TEST_KEYS, region, ...extra }),
      ).rejects.toMatchObject({
        code: 'ERR_CONFIGURATION',
        message: expect.stringMatching(/`url` is a Request/) as unknown,
      });
    }
  });

  it('presignUrl refuses a Request with a message naming Request', async () => {
    const request = new Request(`${gateway.url}/prod/connect`);
    await expect(
      presignUrl({ url: request as unknown as string, credentials: TEST_KEYS, region }),
    ).rejects.toMatchObject({
      name: 'ConfigurationError',
      code: 'ERR_INVALID_URL',
      message: expect.stringMatching(/Request.*request\.url/) as unknown,
    });
  });
});
