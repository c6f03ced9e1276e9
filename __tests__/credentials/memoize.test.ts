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

  it('uses credentials that arrive looking expired for 5 minutes of device time, then fetches again: never a loop', async () => {
    const clock = manualClock();
    const strategy = jest.fn(() =>
      Promise.resolve({
        accessKeyId: 'A',
        secretAccessKey: 's',
        expiration: new Date(clock.now() - MINUTE),
      }),
    );
    const credentials = memoize(strategy, { now: clock.now });
    const calls = await Promise.all(Array.from({ length: 50 }, () => credentials()));
    expect(calls.every((c) => c.accessKeyId === 'A')).toBe(true);
    clock.advance(5 * MINUTE - 1);
    await credentials();
    expect(strategy).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await credentials();
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it("judges expiry on the clock plus the caller's clockOffsetMs", async () => {
    const clock = manualClock();
    const start = clock.now();
    // Issued by a source whose clock is 65 minutes behind this device's: 60 minutes to live.
    const strategy = issuer({ now: () => clock.now() - 65 * MINUTE });
    const credentials = memoize(strategy, { now: clock.now });
    const offset = -65 * MINUTE;
    expect((await credentials({ clockOffsetMs: offset })).accessKeyId).toBe('AKID1');
    clock.set(start + 30 * MINUTE);
    expect(credentials.peek({ clockOffsetMs: offset })?.accessKeyId).toBe('AKID1');
    expect((await credentials({ clockOffsetMs: offset })).accessKeyId).toBe('AKID1');
    expect(strategy).toHaveBeenCalledTimes(1);
    // 55 minutes after issue on the corrected clock: inside the refresh window.
    clock.set(start + 55 * MINUTE);
    expect(credentials.peek({ clockOffsetMs: offset })).toBeUndefined();
    expect((await credentials({ clockOffsetMs: offset })).accessKeyId).toBe('AKID2');
  });

  it('invalidate() during a fetch: waiting callers never get the old result, the next fetch serves them', async () => {
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
    expect((await early).accessKeyId).toBe('NEW');
    expect((await credentials()).accessKeyId).toBe('NEW');
    expect(strategy).toHaveBeenCalledTimes(2);
  });

  it('invalidate(credentials) drops only those credentials, and leaves a fetch under way alone', async () => {
    const clock = manualClock();
    const strategy = issuer(clock);
    const credentials = memoize(strategy, { now: clock.now });
    const stale = await credentials();
    credentials.invalidate(stale);
    const herd = Array.from({ length: 500 }, () => {
      credentials.invalidate(stale);
      return credentials();
    });
    const fresh = await Promise.all(herd);
    credentials.invalidate(stale);
    expect((await credentials()).accessKeyId).toBe('AKID2');
    expect(new Set(fresh.map((c) => c.accessKeyId))).toEqual(new Set(['AKID2']));
    expect(strategy).toHaveBeenCalledTimes(2);
    // Someone else's credentials leave the cache alone.
    credentials.invalidate({ accessKeyId: 'AKID2', secretAccessKey: 'secret-2' });
    expect(credentials.peek()?.accessKeyId).toBe('AKID2');
  });

  describe('timeouts', () => {
    it('a call that times out frees the slot: the next call starts a new fetch', async () => {
      jest.useFakeTimers();
      try {
        let calls = 0;
        const strategy = jest.fn(() => {
          calls += 1;
          return calls === 1
            ? new Promise<Credentials>(() => undefined)
            : Promise.resolve({ accessKeyId: 'SECOND', secretAccessKey: 's' });
        });
        const credentials = memoize(strategy, { timeoutMs: 1000 });
        const hung = credentials().catch((e: unknown) => e);
        await jest.advanceTimersByTimeAsync(1000);
        const error = await hung;
        expect(error).toBeInstanceOf(CredentialsError);
        expect(error).toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
        expect((await credentials()).accessKeyId).toBe('SECOND');
        expect(strategy).toHaveBeenCalledTimes(2);
      } finally {
        jest.useRealTimers();
      }
    });

    it("each caller's own timeoutMs wins over the default", async () => {
      jest.useFakeTimers();
      try {
        const credentials = memoize(() => new Promise<Credentials>(() => undefined), {
          timeoutMs: 60_000,
        });
        const short = credentials({ timeoutMs: 10 }).catch((e: unknown) => e);
        await jest.advanceTimersByTimeAsync(10);
        expect(await short).toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
      } finally {
        jest.useRealTimers();
      }
    });

    it('a late answer from an abandoned fetch fills the cache only while still valid', async () => {
      const clock = manualClock();
      const releases: Array<(c: Credentials) => void> = [];
      const strategy = jest.fn(() => new Promise<Credentials>((resolve) => releases.push(resolve)));
      const credentials = memoize(strategy, { now: clock.now, timeoutMs: 5 });
      // The first fetch times out; its late answer is valid and nothing newer exists: kept.
      await expect(credentials()).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
      releases[0]!({
        accessKeyId: 'LATE',
        secretAccessKey: 's',
        expiration: new Date(clock.now() + HOUR),
      });
      await Promise.resolve();
      await Promise.resolve();
      expect(credentials.peek()?.accessKeyId).toBe('LATE');

      // A second abandoned fetch that answers with expired credentials: not kept.
      clock.advance(HOUR - MINUTE);
      const refreshing = credentials({ timeoutMs: 5 });
      await expect(refreshing).resolves.toMatchObject({ accessKeyId: 'LATE' });
      clock.advance(2 * MINUTE);
      releases[1]!({
        accessKeyId: 'STALE',
        secretAccessKey: 's',
        expiration: new Date(clock.now() - 1),
      });
      await Promise.resolve();
      await Promise.resolve();
      expect(credentials.peek()).toBeUndefined();
      expect(strategy).toHaveBeenCalledTimes(2);
    });

    it('a late answer never replaces newer credentials', async () => {
      const releases: Array<(c: Credentials) => void> = [];
      const strategy = jest.fn(() => new Promise<Credentials>((resolve) => releases.push(resolve)));
      const credentials = memoize(strategy, { timeoutMs: 5 });
      await expect(credentials()).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_TIMEOUT' });
      const second = credentials();
      releases[1]!({ accessKeyId: 'NEWER', secretAccessKey: 's' });
      await second;
      releases[0]!({ accessKeyId: 'OLDER', secretAccessKey: 's' });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(credentials.peek()?.accessKeyId).toBe('NEWER');
    });

    it('a refresh ahead of expiry that hangs holds callers up 2 s at most, then is abandoned', async () => {
      jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
      try {
        const start = Date.now();
        let calls = 0;
        const strategy = jest.fn(() => {
          calls += 1;
          if (calls === 2) return new Promise<Credentials>(() => undefined); // the refresh hangs
          return Promise.resolve({
            accessKeyId: `AKID${calls}`,
            secretAccessKey: 's',
            expiration: new Date(Date.now() + HOUR),
          });
        });
        const credentials = memoize(strategy, { timeoutMs: 30_000 });
        await credentials();
        jest.setSystemTime(start + HOUR - 4 * MINUTE); // inside the 5-minute window
        const first = credentials();
        await jest.advanceTimersByTimeAsync(2_000);
        expect((await first).accessKeyId).toBe('AKID1');
        // Later callers do not wait for the hung refresh again.
        let settled = false;
        const second = credentials().then((c) => {
          settled = true;
          return c;
        });
        await jest.advanceTimersByTimeAsync(0);
        expect(settled).toBe(true);
        expect((await second).accessKeyId).toBe('AKID1');
        expect(strategy).toHaveBeenCalledTimes(2);
        // After the timeout the hung refresh is abandoned: the next call refreshes anew.
        await jest.advanceTimersByTimeAsync(30_000);
        expect((await credentials()).accessKeyId).toBe('AKID3');
        expect(strategy).toHaveBeenCalledTimes(3);
      } finally {
        jest.useRealTimers();
      }
    });

    it.each([0, -1, Number.NaN, Infinity, 2 ** 31])('refuses timeoutMs %p', (timeoutMs) => {
      expect(() =>
        memoize(() => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' }), { timeoutMs }),
      ).toThrow(expect.objectContaining({ code: 'ERR_CONFIGURATION' }));
    });
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
