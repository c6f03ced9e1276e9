import { CredentialsError, ConfigurationError, memoize } from '../../lib';
import type { Credentials } from '../../lib';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 0, 1)) {
  let time = start;
  return {
    now: () => time,
    set: (value: number) => {
      time = value;
    },
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/** A strategy that hands out numbered credentials expiring `lifetime` after the clock. */
function issuer(clock: { now: () => number }, lifetime: number | null = HOUR) {
  let issued = 0;
  const strategy = jest.fn(() => {
    issued += 1;
    return Promise.resolve<Credentials>({
      accessKeyId: `AKID${issued}`,
      secretAccessKey: `secret-${issued}`,
      ...(lifetime === null ? {} : { expiration: new Date(clock.now() + lifetime) }),
    });
  });
  return strategy;
}

describe('memoize', () => {
  it('fetches once and caches credentials without expiration until invalidate()', async () => {
    const clock = manualClock();
    const strategy = issuer(clock, null);
    const credentials = memoize(strategy, { now: clock.now });
    expect((await credentials()).accessKeyId).toBe('AKID1');
    clock.advance(1000 * HOUR);
    expect((await credentials()).accessKeyId).toBe('AKID1');
    expect(strategy).toHaveBeenCalledTimes(1);
    credentials.invalidate();
    expect((await credentials()).accessKeyId).toBe('AKID2');
  });

  it('peek() hands out cached credentials that need no refresh, without a promise', async () => {
    const clock = manualClock();
    const credentials = memoize(issuer(clock), { now: clock.now });
    expect(credentials.peek()).toBeUndefined();
    const first = await credentials();
    expect(credentials.peek()).toBe(first);
    clock.advance(HOUR - 5 * MINUTE);
    expect(credentials.peek()).toBeUndefined();
    credentials.invalidate();
    expect(credentials.peek()).toBeUndefined();
  });

  it('refreshes at the start of the 5-minute window, not a millisecond before', async () => {
    const clock = manualClock();
    const strategy = issuer(clock);
    const credentials = memoize(strategy, { now: clock.now });
    const start = clock.now();
    await credentials();
    clock.set(start + HOUR - 5 * MINUTE - 1);
    expect((await credentials()).accessKeyId).toBe('AKID1');
    clock.set(start + HOUR - 5 * MINUTE);
    expect((await credentials()).accessKeyId).toBe('AKID2');
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it('takes a configurable refresh window', async () => {
    const clock = manualClock();
    const strategy = issuer(clock);
    const credentials = memoize(strategy, { now: clock.now, refreshWindowMs: 20 * MINUTE });
    const start = clock.now();
    await credentials();
    clock.set(start + 40 * MINUTE - 1);
    expect((await credentials()).accessKeyId).toBe('AKID1');
    clock.set(start + 40 * MINUTE);
    expect((await credentials()).accessKeyId).toBe('AKID2');
  });

  it('refreshes short-lived credentials at half their lifetime, not on every call', async () => {
    const clock = manualClock();
    const strategy = issuer(clock, 2 * MINUTE);
    const credentials = memoize(strategy, { now: clock.now });
    await credentials();
    clock.advance(MINUTE - 1);
    await credentials();
    expect(strategy).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await credentials();
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch among 1,000 concurrent callers', async () => {
    const clock = manualClock();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const strategy = jest.fn(async () => {
      await gate;
      return { accessKeyId: 'AKID', secretAccessKey: 'secret' };
    });
    const credentials = memoize(strategy, { now: clock.now });
    const callers = Array.from({ length: 1000 }, () => credentials());
    release();
    const results = await Promise.all(callers);
    expect(strategy).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);
  });

  it('keeps handing out still-valid credentials while a refresh in the window fails, and retries', async () => {
    const clock = manualClock();
    const start = clock.now();
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce({
        accessKeyId: 'A',
        secretAccessKey: 's',
        expiration: new Date(start + HOUR),
      })
      .mockRejectedValueOnce(new Error('throttled'))
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValueOnce({
        accessKeyId: 'B',
        secretAccessKey: 's',
        expiration: new Date(start + 3 * HOUR),
      });
    const credentials = memoize(strategy, { now: clock.now });
    await credentials();
    clock.set(start + HOUR - MINUTE);
    expect((await credentials()).accessKeyId).toBe('A');
    expect((await credentials()).accessKeyId).toBe('A');
    expect(strategy).toHaveBeenCalledTimes(3);
    expect((await credentials()).accessKeyId).toBe('B');
  });

  it('lets the error through once the credentials have actually expired', async () => {
    const clock = manualClock();
    const start = clock.now();
    const failure = new CredentialsError('ERR_CREDENTIALS', 'source down');
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce({
        accessKeyId: 'A',
        secretAccessKey: 's',
        expiration: new Date(start + HOUR),
      })
      .mockRejectedValue(failure);
    const credentials = memoize(strategy, { now: clock.now });
    await credentials();
    clock.set(start + HOUR);
    await expect(credentials()).rejects.toBe(failure);
  });

  it('never returns credentials past their expiration', async () => {
    const clock = manualClock();
    const start = clock.now();
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockResolvedValueOnce({
        accessKeyId: 'A',
        secretAccessKey: 's',
        expiration: new Date(start + HOUR),
      })
      .mockImplementation(async () => {
        // The refresh takes so long that the cached credentials expire meanwhile, then fails.
        clock.set(start + HOUR + 1);
        throw new Error('slow and failing');
      });
    const credentials = memoize(strategy, { now: clock.now });
    await credentials();
    clock.set(start + HOUR - MINUTE);
    await expect(credentials()).rejects.toBeInstanceOf(CredentialsError);
  });

  it('does not cache failures', async () => {
    const clock = manualClock();
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockRejectedValueOnce(new Error('flaky'))
      .mockResolvedValue({ accessKeyId: 'A', secretAccessKey: 's' });
    const credentials = memoize(strategy, { now: clock.now });
    await expect(credentials()).rejects.toMatchObject({ code: 'ERR_CREDENTIALS' });
    expect((await credentials()).accessKeyId).toBe('A');
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it('treats already-expired credentials from the strategy as an error, not a loop', async () => {
    const clock = manualClock();
    const strategy = jest.fn(() =>
      Promise.resolve({
        accessKeyId: 'A',
        secretAccessKey: 's',
        expiration: new Date(clock.now() - 1),
      }),
    );
    const credentials = memoize(strategy, { now: clock.now });
    const error: unknown = await credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'ERR_CREDENTIALS_EXPIRED' });
    expect(strategy).toHaveBeenCalledTimes(1);
  });

  it('invalidate() during a fetch: the late result is not cached, the next call fetches anew', async () => {
    const clock = manualClock();
    let release: () => void = () => undefined;
    const strategy = jest
      .fn<Promise<Credentials>, []>()
      .mockImplementationOnce(
        () =>
          new Promise((resolve) => {
            release = () => {
              resolve({ accessKeyId: 'OLD', secretAccessKey: 's' });
            };
          }),
      )
      .mockResolvedValue({ accessKeyId: 'NEW', secretAccessKey: 's' });
    const credentials = memoize(strategy, { now: clock.now });
    const early = credentials();
    credentials.invalidate();
    release();
    expect((await early).accessKeyId).toBe('OLD');
    expect((await credentials()).accessKeyId).toBe('NEW');
    expect((await credentials()).accessKeyId).toBe('NEW');
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it.each([
    [() => memoize('nope' as never)],
    [
      () =>
        memoize(() => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' }), {
          refreshWindowMs: -1,
        }),
    ],
    [
      () =>
        memoize(() => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' }), {
          now: 5 as never,
        }),
    ],
  ])('refuses bad arguments with a ConfigurationError (%#)', (create) => {
    expect(create).toThrow(ConfigurationError);
  });
});
