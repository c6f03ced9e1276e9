import { ConfigurationError } from '../errors';

/**
 * The longest delay a timer keeps: Node (and browsers) turn a longer one into 1 ms.
 * Ref: HTML "timer initialisation steps" and Node's `TimeoutOverflowWarning`.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws `ERR_CONFIGURATION` unless `value` is a timeout a timer can hold. */
export function assertTimeoutMs(value: unknown, name: string): asserts value is number {
  if (!(
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    value <= MAX_TIMER_MS
  )) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `${name} must be a number of milliseconds from 1 to ${MAX_TIMER_MS}.`,
    );
  }
}
