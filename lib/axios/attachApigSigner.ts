import type { AxiosInstance } from 'axios';

import { createSigner } from './apigSigner';
import type { ApigSignerOptions } from './apigSigner';

/** What {@link attachApigSigner} installed; `eject()` removes it. */
export interface AttachedApigSigner {
  /** Removes the signer's request interceptor from the instance. */
  eject(): void;
  /** The correction currently added to the device clock when signing, in milliseconds. */
  readonly clockOffsetMs: number;
}

/**
 * Installs apig-signer on an axios instance: the same as
 * `instance.interceptors.request.use(apigSigner(options))`, recovery included, plus a handle to
 * uninstall it and to read the clock correction the signer has learnt.
 *
 * Recovery (one re-send after AWS's clock-skew or expired-token answer), redirect safety and the
 * call's deadline all happen at dispatch, in front of the adapter: see {@link apigSigner}. The
 * order in which this and the app's interceptors are registered does not matter.
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
  const id = instance.interceptors.request.use(interceptor);
  return {
    eject() {
      instance.interceptors.request.eject(id);
    },
    get clockOffsetMs() {
      return state.clockOffsetMs;
    },
  };
}
