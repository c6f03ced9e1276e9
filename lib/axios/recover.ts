import { AxiosError, isCancel } from 'axios';
import type { AxiosResponse } from 'axios';

import { SigningError } from '../errors';
import type { Call, Hop } from './call';
import { peekBody } from './peekBody';
import { answeredBySignedOrigin, diagnose, diagnoseHead } from './recovery';
import { sentErrors, settle } from './sendHop';
import type { Send } from './signHop';

/** Says why an answer that a new signature would fix was not re-sent. */
function notReplayable(call: Call, response: AxiosResponse, why: string): AxiosResponse {
  const reason = new SigningError(
    'ERR_BODY_NOT_REPLAYABLE',
    `AWS answered that ${why}, which a new signature would fix, but the stream body cannot be sent twice. Retry with a new stream, or send a Buffer, string or Blob.`,
  );
  try {
    return settle(response, call, reason);
  } catch (error) {
    if (error instanceof AxiosError) {
      error.code = 'ERR_BODY_NOT_REPLAYABLE';
      error.message = `${error.message} (apig-signer: ${reason.message})`;
    }
    throw error;
  }
}

/**
 * Re-signs and re-sends a call once when AWS itself answers 403 because
 *
 * - the device clock is wrong (`InvalidSignatureException` "Signature expired" / "Signature not
 *   yet current"): the offset is learnt from the server time in the message, or the `Date`
 *   header, and kept for the signer, so later requests are right the first time. A HEAD answer
 *   has no message: there `InvalidSignatureException` with a `Date` more than AWS's 5 minutes
 *   from the signing clock counts as skew, and nothing closer (a wrong key stays final);
 * - the credentials expired (`ExpiredTokenException`): the credentials that signed the call are
 *   dropped, unless a newer set is already cached, and fresh ones fetched; any number of calls
 *   refused for the same credentials share one new fetch.
 *
 * It reads the raw answer, before axios's `settle`, `validateStatus` and response interceptors,
 * for every `responseType` (a small body is read, and an equivalent answer handed on; a stream
 * body that has not come within a second is not judged, and the answer goes on as it is). The
 * re-send's answer, whatever it is (200, 409, 500), is the caller's answer; the first 403 reaches
 * the caller only when the re-send never left (credentials or signing failed), with the reason
 * as its `cause`. A cancellation or timeout is never replaced by the 403.
 *
 * What it never does:
 * - act on an answer that is not AWS's own (it requires AWS's error type, in `x-amzn-ErrorType`
 *   or an AWS JSON `__type`), or on the answer of another origin a redirect led to;
 * - send a body twice that cannot be replayed: a stream body is not re-sent, and the 403 reaches
 *   the caller with the code `ERR_BODY_NOT_REPLAYABLE` (the clock correction or the dropped
 *   credentials still apply to the next request);
 * - re-send more than once.
 */
export const recoverOnce =
  (next: Send<Hop>): Send<Hop> =>
  async (call, hop) => {
    const first = await next(call, hop);
    if (first.status !== 403 || !answeredBySignedOrigin(first, call.host.origin)) return first;
    const peeked = await peekBody(first);
    // A body that did not come in time is not judged: the answer goes on as it is.
    if (peeked.late) return peeked.response;
    // diagnose() reads only `response`: the answer with the start of its body in memory.
    const { state } = call.signer;
    const diagnosis =
      diagnose({ response: { ...first, data: peeked.data } }) ??
      (hop.method === 'HEAD' && call.signedAt !== undefined
        ? diagnoseHead(first, call.signedAt)
        : undefined);
    if (diagnosis === undefined) return peeked.response;
    // Learnt even when the request cannot be re-sent: the caller's next attempt, with a new
    // stream, must not meet the same refusal.
    if (diagnosis.kind === 'clock-skew') state.clockOffsetMs = diagnosis.serverTime - Date.now();
    else if (call.credentials !== undefined) state.credentials.invalidate(call.credentials);
    if (call.body.stream) {
      return notReplayable(
        call,
        peeked.response,
        diagnosis.kind === 'clock-skew' ? 'the device clock is off' : 'the credentials expired',
      );
    }
    try {
      const answer = await next(call, call.first);
      // The first answer is not handed on: free what it still holds.
      peeked.discard();
      return answer;
    } catch (reason) {
      // The re-send's own outcome once it reached the adapter; a cancellation always.
      if (
        isCancel(reason) ||
        (typeof reason === 'object' && reason !== null && sentErrors.has(reason))
      ) {
        throw reason;
      }
      if (
        reason instanceof AxiosError &&
        (reason.code === 'ECONNABORTED' || reason.code === 'ETIMEDOUT')
      ) {
        throw reason;
      }
      return settle(peeked.response, call, reason);
    }
  };
