import { ConfigurationError } from '../index';
import { assertKnownKeys } from '../options/knownKeys';
import { assertSha256Option } from '../signing/sha256';
import type { Sha256Constructor } from '../signing/sha256';
import type { RetryPolicy } from './failures';
import { defaultStorage, isCognitoStorage } from './storage';
import type { AsyncCognitoStorage, CognitoStorage } from './storage';
import type { CognitoAuthOptions } from './types';

/** The options of `createCognitoAuth`, checked and with defaults filled in. */
export interface ResolvedOptions {
  region: string;
  userPoolId: string;
  clientId: string;
  clientSecret: string | undefined;
  sha256: Sha256Constructor | undefined;
  identityPoolId: string;
  authFlow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';
  storage: CognitoStorage | AsyncCognitoStorage;
  userPoolEndpoint: string;
  identityEndpoint: string;
  allowGuest: boolean;
  tokenRefreshMarginMs: number;
  credentialsRefreshWindowMs: number;
  timeoutMs: number;
  retry: RetryPolicy;
}

/** Every key of {@link CognitoAuthOptions}: the type makes sure none is missing. */
const KNOWN_OPTIONS: Record<keyof CognitoAuthOptions, 0> = {
  region: 0,
  userPoolId: 0,
  clientId: 0,
  identityPoolId: 0,
  authFlow: 0,
  storage: 0,
  endpoints: 0,
  allowGuest: 0,
  tokenRefreshMarginMs: 0,
  credentialsRefreshWindowMs: 0,
  timeoutMs: 0,
  retry: 0,
  clientSecret: 0,
  sha256: 0,
};

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
/** Node clamps longer timers to 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

const refuse = (message: string): never => {
  throw new ConfigurationError('ERR_CONFIGURATION', `createCognitoAuth(): ${message}`);
};

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    refuse(`\`${name}\` must be a non-empty string.`);
  return value as string;
}

function endpoint(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  try {
    new URL(value);
  } catch {
    refuse(`endpoints.${name} must be a URL, such as ${fallback}.`);
  }
  return value;
}

/** A number of milliseconds (or a count) that is finite and within [min, max]. */
function numberIn(
  value: number | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
  integer = false,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    refuse(`\`${name}\` must be a ${integer ? 'whole number' : 'number'} from ${min} to ${max}.`);
  }
  return value;
}

export function resolveOptions(options: CognitoAuthOptions): ResolvedOptions {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'createCognitoAuth(options): options must be an object.',
    );
  }
  assertKnownKeys(options, Object.keys(KNOWN_OPTIONS), 'createCognitoAuth(options)');
  const region = requireString(options.region, 'region');
  const userPoolId = requireString(options.userPoolId, 'userPoolId');
  const clientId = requireString(options.clientId, 'clientId');
  const identityPoolId = requireString(options.identityPoolId, 'identityPoolId');
  if (!USER_POOL_ID.test(userPoolId)) refuse('`userPoolId` must look like eu-west-2_AbCdEf123.');
  const authFlow = options.authFlow ?? 'USER_SRP_AUTH';
  if (authFlow !== 'USER_SRP_AUTH' && authFlow !== 'USER_PASSWORD_AUTH') {
    refuse("`authFlow` must be 'USER_SRP_AUTH' or 'USER_PASSWORD_AUTH'.");
  }
  if (options.storage !== undefined && !isCognitoStorage(options.storage)) {
    refuse(
      '`storage` must have getItem, setItem and removeItem functions (the Web Storage interface).',
    );
  }
  if (
    options.clientSecret !== undefined &&
    (typeof options.clientSecret !== 'string' || options.clientSecret === '')
  ) {
    refuse('`clientSecret` must be a non-empty string, or left out.');
  }
  assertSha256Option(options.sha256, 'createCognitoAuth()');
  const retry = options.retry ?? {};
  if (typeof retry !== 'object' || (retry as unknown) === null)
    refuse('`retry` must be an object.');
  // A misspelt nested key would otherwise be dropped silently: the default endpoint (AWS), or
  // the default retries, in its place.
  assertKnownKeys(retry, ['retries', 'baseDelayMs'], 'createCognitoAuth(options.retry)');
  const { endpoints } = options;
  if (endpoints !== undefined) {
    if (typeof endpoints !== 'object' || (endpoints as unknown) === null)
      refuse('`endpoints` must be an object, such as { userPool: emulator.url }.');
    assertKnownKeys(endpoints, ['userPool', 'identity'], 'createCognitoAuth(options.endpoints)');
  }
  return {
    region,
    userPoolId,
    clientId,
    clientSecret: options.clientSecret,
    sha256: options.sha256,
    identityPoolId,
    authFlow,
    storage: options.storage ?? defaultStorage(),
    userPoolEndpoint: endpoint(
      options.endpoints?.userPool,
      'userPool',
      `https://cognito-idp.${region}.amazonaws.com/`,
    ),
    identityEndpoint: endpoint(
      options.endpoints?.identity,
      'identity',
      `https://cognito-identity.${region}.amazonaws.com/`,
    ),
    allowGuest: options.allowGuest ?? false,
    tokenRefreshMarginMs: numberIn(
      options.tokenRefreshMarginMs,
      'tokenRefreshMarginMs',
      300_000,
      0,
      86_400_000,
    ),
    credentialsRefreshWindowMs: numberIn(
      options.credentialsRefreshWindowMs,
      'credentialsRefreshWindowMs',
      300_000,
      0,
      86_400_000,
    ),
    timeoutMs: numberIn(options.timeoutMs, 'timeoutMs', 8_000, 1, MAX_TIMER_MS),
    retry: {
      retries: numberIn(retry.retries, 'retry.retries', 2, 0, 10, true),
      baseDelayMs: numberIn(retry.baseDelayMs, 'retry.baseDelayMs', 200, 0, 60_000),
    },
  };
}
