import { assertCredentialsOption } from './validateCredentials';
import type { Credentials, CredentialsProvider } from './types';

/** The keys {@link fromStatic} accepts. */
export interface StaticCredentialsInit {
  /** The access key id. */
  accessKeyId: string;
  /** The secret access key. */
  secretAccessKey: string;
  /** The session token, for temporary credentials. */
  sessionToken?: string | undefined;
  /** When temporary credentials expire, if known. */
  expiration?: Date | undefined;
}

/**
 * A strategy that always resolves to the same keys: for scripts, servers with their own key
 * management, and tests (against `startSigV4Gateway()`).
 *
 * @param init - the keys; `sessionToken` for temporary credentials.
 * @returns a {@link CredentialsProvider} resolving to a copy of the keys.
 * @throws {@link ConfigurationError} (`ERR_INVALID_CREDENTIALS`) at once when a key is missing,
 * empty or of the wrong type; the message names the field, never its value.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { apigSigner, fromStatic } from 'apig-signer';
 *
 * const api = axios.create({ baseURL: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod' });
 * api.interceptors.request.use(
 *   apigSigner({ credentials: fromStatic({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }) }),
 * );
 * ```
 */
export function fromStatic(init: StaticCredentialsInit): CredentialsProvider {
  assertCredentialsOption(init, 'fromStatic()');
  const credentials: Credentials = Object.freeze({
    accessKeyId: init.accessKeyId,
    secretAccessKey: init.secretAccessKey,
    ...(init.sessionToken === undefined ? {} : { sessionToken: init.sessionToken }),
    ...(init.expiration === undefined ? {} : { expiration: init.expiration }),
  });
  return () => Promise.resolve(credentials);
}
