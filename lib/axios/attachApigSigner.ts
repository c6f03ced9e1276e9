import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import { createSigner } from './apigSigner';
import type { ApigSignerOptions } from './apigSigner';
import { diagnose } from './recovery';

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

function wasSigned(config: InternalAxiosRequestConfig): boolean {
  const authorization = config.headers.get?.('Authorization');
  return (
    (typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256 ')) ||
    /[?&]X-Amz-Signature=/.test(config.url ?? '')
  );
}

/**
 * Installs apig-signer on an axios instance with recovery: the request interceptor of
 * `apigSigner`, and a response interceptor that re-signs and re-sends a request once when AWS
 * answers 403 because
 *
 * - the device clock is wrong (`Signature expired` / `Signature not yet current`): the offset is
 *   learnt from the server time in the message, or the `Date` header, and kept for this signer,
 *   so later requests are right the first time;
 * - the credentials expired (`ExpiredTokenException`): the cached credentials are dropped and
 *   fresh ones fetched.
 *
 * A request is recovered at most once; any other answer, and a failed recovery, reaches the
 * caller as the original error.
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
    if (config[RECOVERED] === true || !wasSigned(config)) throw error;
    const diagnosis = diagnose(error);
    if (diagnosis === undefined) throw error;
    if (diagnosis.kind === 'clock-skew') state.clockOffsetMs = diagnosis.serverTime - Date.now();
    else state.credentials.invalidate();
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
