import { CredentialsError } from '../errors';
import type { Credentials, CredentialsProvider } from './types';

type Env = Record<string, string | undefined>;

/** `process.env` where there is one. Read through `globalThis`, so browser bundles stay valid. */
function environment(): Env | undefined {
  return (globalThis as { process?: { env?: Env } }).process?.env;
}

const unavailable = (message: string) =>
  new CredentialsError('ERR_CREDENTIALS_UNAVAILABLE', message, { tryNextLink: true });

/**
 * apigSigner()'s strategy when its `credentials` option is left out: {@link fromEnv}, whose
 * "nothing here" refusal also says that the option was left out, since that, not a missing
 * variable, is the usual mistake in a browser.
 */
export function fromEnvByDefault(): CredentialsProvider {
  const provider = fromEnv();
  return () =>
    provider().catch((error: unknown) => {
      throw (error as CredentialsError).code === 'ERR_CREDENTIALS_UNAVAILABLE'
        ? unavailable(
            `No \`credentials\` option was given to apigSigner(), so it read the environment: ${(error as Error).message} Pass \`credentials\` (createCognitoAuth(…).credentials, fromStatic(…)…).`,
          )
        : error;
    });
}

/**
 * A strategy that reads the standard AWS environment variables when called:
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and optionally `AWS_SESSION_TOKEN` and
 * `AWS_CREDENTIAL_EXPIRATION` (an ISO 8601 date).
 *
 * Safe to import in a browser bundle: where there is no `process`, it reports that it has
 * nothing to offer, so `chain()` moves on.
 *
 * @returns a {@link CredentialsProvider}; the default strategy of `apigSigner()`.
 * @throws {@link CredentialsError} when called: `ERR_CREDENTIALS_UNAVAILABLE` with
 * `tryNextLink: true` when the variables are not set (or there is no environment), and
 * `ERR_INVALID_CREDENTIALS` with `tryNextLink: false` when `AWS_CREDENTIAL_EXPIRATION` is not a date.
 *
 * @example
 * ```ts
 * import { apigSigner, chain, fromEnv, fromStatic } from 'apig-signer';
 *
 * // AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… node app.js
 * api.interceptors.request.use(apigSigner({ credentials: fromEnv() }));
 * ```
 */
export function fromEnv(): CredentialsProvider {
  return function fromEnvProvider(): Promise<Credentials> {
    const env = environment();
    if (env === undefined) {
      return Promise.reject(unavailable('fromEnv(): no environment variables here (a browser?).'));
    }
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    if (!accessKeyId || !secretAccessKey) {
      const missing = [
        ...(accessKeyId ? [] : ['AWS_ACCESS_KEY_ID']),
        ...(secretAccessKey ? [] : ['AWS_SECRET_ACCESS_KEY']),
      ];
      return Promise.reject(unavailable(`fromEnv(): ${missing.join(' and ')} not set.`));
    }
    const sessionToken = env['AWS_SESSION_TOKEN'] || undefined;
    const rawExpiration = env['AWS_CREDENTIAL_EXPIRATION'] || undefined;
    let expiration: Date | undefined;
    if (rawExpiration !== undefined) {
      expiration = new Date(rawExpiration);
      if (Number.isNaN(expiration.getTime())) {
        return Promise.reject(
          new CredentialsError(
            'ERR_INVALID_CREDENTIALS',
            'fromEnv(): AWS_CREDENTIAL_EXPIRATION is not a date: use ISO 8601 (2026-01-31T12:00:00Z).',
          ),
        );
      }
    }
    return Promise.resolve({
      accessKeyId,
      secretAccessKey,
      ...(sessionToken === undefined ? {} : { sessionToken }),
      ...(expiration === undefined ? {} : { expiration }),
    });
  };
}
