import { assertTimeoutMs } from '../credentials/timeout';
import { ConfigurationError } from '../errors';
import { assertScopePart } from '../signing/endpoint';
import { assertSha256Option } from '../signing/sha256';
import type { ApigSignerOptions } from './apigSigner';

export const MAX_EXPIRES_IN = 604_800;

/** Checks the options of `apigSigner()` / `attachApigSigner()` before any request is made. */
export function validateOptions(options: ApigSignerOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'apigSigner(options): options must be an object.',
    );
  }
  assertScopePart(options.region, 'region', 'region');
  assertScopePart(options.service, 'service', 'service');
  for (const name of ['signQuery', 'unsignedPayload'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new ConfigurationError('ERR_CONFIGURATION', `${name} must be true or false.`);
    }
  }
  if (options.credentialsTimeoutMs !== undefined) {
    assertTimeoutMs(options.credentialsTimeoutMs, 'credentialsTimeoutMs');
  }
  assertSha256Option(options.sha256, 'apigSigner()');
  if (options.debug !== undefined && typeof options.debug !== 'function') {
    throw new ConfigurationError('ERR_CONFIGURATION', 'debug must be a function.');
  }
  const { expiresIn } = options;
  if (
    expiresIn !== undefined &&
    !(Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn <= MAX_EXPIRES_IN)
  ) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (one week).`,
    );
  }
}
