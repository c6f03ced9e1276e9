import { ConfigurationError } from '../../errors';

/** How many requests a gateway keeps by default. */
export const DEFAULT_MAX_RECORDED_REQUESTS = 1000;

/**
 * Appends to a log that keeps only the last `limit` entries, dropping the oldest: the same
 * array object throughout, so a reference to `gateway.requests` stays live.
 */
export function record<T>(log: T[], entry: T, limit: number): void {
  log.push(entry);
  if (log.length > limit) log.splice(0, log.length - limit);
}

export function recordLimitOf(option: number | undefined): number {
  const limit = option ?? DEFAULT_MAX_RECORDED_REQUESTS;
  if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `startSigV4Gateway: maxRecordedRequests must be a whole number from 0 up, or Infinity; got ${String(option)}.`,
    );
  }
  return limit;
}
