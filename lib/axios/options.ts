import { assertTimeoutMs } from '../credentials/timeout';
import { ConfigurationError } from '../errors';
import { assertKnownKeys } from '../options/knownKeys';
import { assertScopePart } from '../signing/endpoint';
import { assertSha256Option } from '../signing/sha256';
import type { ApigSignerOptions } from './apigSigner';

export const MAX_EXPIRES_IN = 604_800;

/** Every key of {@link ApigSignerOptions}: the type makes sure none is missing. */
const KNOWN_OPTIONS: Record<keyof ApigSignerOptions, 0> = {
  credentials: 0,
  region: 0,
  service: 0,
  hosts: 0,
  signQuery: 0,
  expiresIn: 0,
  unsignedPayload: 0,
  credentialsTimeoutMs: 0,
  debug: 0,
  sha256: 0,
};

/** Checks the options of `apigSigner()` / `attachApigSigner()` before any request is made. */
export function validateOptions(options: ApigSignerOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'apigSigner(options): options must be an object.',
    );
  }
  // `use(apigSigner)` hands axios's request config to apigSigner itself.
  if ('headers' in options && 'transitional' in options) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'apigSigner was passed to use() uncalled: call apigSigner(options).',
    );
  }
  assertKnownKeys(options, Object.keys(KNOWN_OPTIONS), 'apigSigner(options)');
  assertScopePart(options.region, 'region', 'region');
  assertScopePart(options.service, 'service', 'service');
  for (const [name, type] of [
    ['signQuery', 'boolean'],
    ['unsignedPayload', 'boolean'],
    ['debug', 'function'],
  ] as const) {
    if (options[name] !== undefined && typeof options[name] !== type) {
      throw new ConfigurationError('ERR_CONFIGURATION', `${name} must be a ${type}.`);
    }
  }
  if (options.credentialsTimeoutMs !== undefined) {
    assertTimeoutMs(options.credentialsTimeoutMs, 'credentialsTimeoutMs');
  }
  assertSha256Option(options.sha256, 'apigSigner()');
  const { expiresIn } = options;
  if (
    expiresIn !== undefined &&
    !(Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn <= MAX_EXPIRES_IN)
  ) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}.`,
    );
  }
}
