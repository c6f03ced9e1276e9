import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import { createSigner } from './apigSigner';
import type { ApigSignerOptions } from './apigSigner';
import { answeredBySignedOrigin, diagnose } from './recovery';
import { signedRecordOf } from './signedRecord';

/** What {@link attachApigSigner} installed; `eject()` removes it. */
export interface AttachedApigSigner {
  /** Removes the request and response interceptors from the instance. */
  eject(): void;
  /** The correction currently added to the device clock when signing, in milliseconds. */
  readonly clockOffsetMs: number;
}

/** Set on a config that has been re-sent once, so it is never recovered twice. */
const RECOVERED = '__apigSignerRecovered';

type RecoverableConfig = InternalAxiosRequestConfig & { [RECOVERED]?: boolean };

function isAxiosError(error: unknown): error is AxiosError {
  return (error as { isAxiosError?: unknown } | null)?.isAxiosError === true;
}

/** Says on the original error why it was not retried, keeping everything else of it. */
function notReplayable(error: AxiosError, why: string): AxiosError {
  error.code = 'ERR_BODY_NOT_REPLAYABLE';
  error.message = `${error.message} (apig-signer: AWS answered ${why}, which a new signature would fix, but the request body is a stream that cannot be sent twice, so it was not retried. Send the request again with a new stream, or send a Buffer, string or Blob.)`;
  return error;
}

/**
 * Installs apig-signer on an axios instance with recovery: the request interceptor of
 * `apigSigner`, and a response interceptor that re-signs and re-sends a request once when AWS
 * answers 403 because
 *
 * - the device clock is wrong (`InvalidSignatureException` "Signature expired" / "Signature not
 *   yet current"): the offset is learnt from the server time in the message, or the `Date`
 *   header, and kept for this signer, so later requests are right the first time, and
 *   credentials' expiry is judged on the corrected clock;
 * - the credentials expired (`ExpiredTokenException`): the credentials that signed the request
 *   are dropped, unless a newer set is already cached, and fresh ones fetched. Any number of
 *   requests refused for the same credentials share one new fetch.
 *
 * What recovery never does:
 * - act on an answer that is not AWS's own: it requires AWS's error type, in the
 *   `x-amzn-ErrorType` header or the `__type` of an AWS JSON error, so an application's 403
 *   with similar words is never retried and never moves the clock (in browsers the API's CORS
 *   must expose `x-amzn-ErrorType`, or recovery cannot see it);
 * - send a body twice that cannot be replayed: a stream body (`unsignedPayload`) is not
 *   retried, and the original error reaches the caller with the code `ERR_BODY_NOT_REPLAYABLE`
 *   (the clock correction or the dropped credentials still apply to the next request);
 * - retry more than once, or retry a request another signer signed;
 * - act on an answer from another origin that a redirect led to (that hop carried no signature).
 *
 * Any other answer, and a failed recovery, reaches the caller as the original error.
 *
 * The request interceptor also guards dispatch: interceptors already on the instance run after
 * the signer (axios runs request interceptors last-registered-first), so a signed request whose
 * URL one of them changed fails with `ERR_REQUEST_CHANGED` instead of carrying its signature
 * elsewhere.
 *
 * @param instance - the axios instance.
 * @param options - the options of `apigSigner`.
 * @returns `{ eject() }` to uninstall, and the current clock correction.
 * @throws {@link ConfigurationError} at once for malformed options.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { attachApigSigner } from 'apig-signer';
 * import { createCognitoAuth } from 'apig-signer/cognito';
 *
 * const auth = createCognitoAuth({ region, userPoolId, clientId, identityPoolId });
 * const api = axios.create({ baseURL: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod' });
 * const signer = attachApigSigner(api, { credentials: auth.credentials });
 * // …
 * signer.eject();
 * ```
 */
export function attachApigSigner(
  instance: AxiosInstance,
  options: ApigSignerOptions = {},
): AttachedApigSigner {
  const { interceptor, state } = createSigner(options);

  async function recover(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error) || error.config === undefined) throw error;
    const config = error.config as RecoverableConfig;
    const record = signedRecordOf(config);
    if (config[RECOVERED] === true || record?.signer !== state) throw error;
    if (error.response !== undefined && !answeredBySignedOrigin(error.response, record.origin)) {
      throw error;
    }
    const diagnosis = diagnose(error);
    if (diagnosis === undefined) throw error;
    // Learnt even when the request cannot be re-sent: the caller's next attempt, with a new
    // stream, must not meet the same refusal.
    if (diagnosis.kind === 'clock-skew') state.clockOffsetMs = diagnosis.serverTime - Date.now();
    else if (record.credentials !== undefined) state.credentials.invalidate(record.credentials);
    if (!record.replayable) {
      throw notReplayable(
        error,
        diagnosis.kind === 'clock-skew'
          ? 'that the device clock is off'
          : 'that the credentials expired',
      );
    }
    try {
      return await instance.request({ ...config, [RECOVERED]: true } as RecoverableConfig);
    } catch {
      throw error;
    }
  }

  const requestId = instance.interceptors.request.use(interceptor);
  const responseId = instance.interceptors.response.use(undefined, recover);
  return {
    eject() {
      instance.interceptors.request.eject(requestId);
      instance.interceptors.response.eject(responseId);
    },
    get clockOffsetMs() {
      return state.clockOffsetMs;
    },
  };
}
