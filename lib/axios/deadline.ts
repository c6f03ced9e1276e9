import { AxiosError, CanceledError } from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';

import type { Hop } from './call';
import type { Send } from './signHop';

/** Why a call was aborted: what the caller gets, whatever the adapter made of the abort. */
const abortReasons = new WeakMap<AbortSignal, Error>();

/** axios's CanceledError takes (message, config, request), whatever its type declaration says. */
const canceled = (config: InternalAxiosRequestConfig | undefined): Error =>
  new (CanceledError as unknown as new (message?: string, config?: unknown) => Error)(
    undefined,
    config,
  );

/** Rejects with the call's abort reason once `signal` aborts; never settles otherwise. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const fail = () => {
      reject(abortReasons.get(signal) ?? canceled(undefined));
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/**
 * `promise`, or the call's abort reason as soon as the call is aborted, whichever comes first.
 * The work behind `promise` goes on (a credentials fetch others share is never abandoned); its
 * outcome is just no longer this call's.
 */
export function untilAborted<T>(signal: AbortSignal | undefined, promise: Promise<T>): Promise<T> {
  return signal === undefined ? promise : Promise.race([promise, aborted(signal)]);
}

/** The error axios's own adapters give when `timeout` passes. */
function timeoutError(config: InternalAxiosRequestConfig): AxiosError {
  const timeout = config.timeout ?? 0;
  return new AxiosError(
    config.timeoutErrorMessage ?? `timeout of ${timeout}ms exceeded`,
    config.transitional?.clarifyTimeoutError === true ? 'ETIMEDOUT' : 'ECONNABORTED',
    config,
  );
}

/** The longest delay a timer holds (longer ones fire at once). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One deadline and one cancellation for the whole call: waiting for credentials, every redirect
 * hop and the re-send. The caller's `signal`, `cancelToken` and `timeout` abort one signal that
 * every step below sees, and the call settles at once with axios's own cancellation
 * (`axios.isCancel()`) or timeout error (`ECONNABORTED`, or `ETIMEDOUT` with
 * `transitional.clarifyTimeoutError`), whatever step it was in.
 *
 * What it never does: abandon work others share (a credentials fetch goes on for the other
 * callers), or abort a response the caller is still reading once the answer was handed on,
 * except on the caller's own signal or token, as axios does.
 */
export const withDeadline =
  (next: Send<Hop>): Send<Hop> =>
  (call, hop) => {
    const { config } = call;
    const { signal, cancelToken } = config;
    const timeout = config.timeout ?? 0;
    if (!(timeout > 0) && signal == null && cancelToken == null) return next(call, hop);

    const controller = new AbortController();
    const abort = (reason: Error) => {
      if (controller.signal.aborted) return;
      abortReasons.set(controller.signal, reason);
      controller.abort();
    };
    const onSignal = () => {
      abort(canceled(config));
    };
    const outerSignal = signal as AbortSignal | undefined;
    if (outerSignal?.aborted) onSignal();
    else outerSignal?.addEventListener?.('abort', onSignal, { once: true });
    const onCancel = (reason: unknown) => {
      abort(reason as Error);
    };
    cancelToken?.subscribe(onCancel);
    const timer =
      timeout > 0
        ? setTimeout(
            () => {
              abort(timeoutError(config));
            },
            Math.min(timeout, MAX_TIMER_MS),
          )
        : undefined;

    call.signal = controller.signal;
    const done = () => {
      clearTimeout(timer);
      // A stream the caller still reads stays tied to their signal and token, as in axios.
      if (config.responseType !== 'stream') {
        outerSignal?.removeEventListener?.('abort', onSignal);
        cancelToken?.unsubscribe(onCancel);
      }
    };
    const answer = untilAborted(controller.signal, next(call, hop));
    answer.then(done, done);
    return answer;
  };
