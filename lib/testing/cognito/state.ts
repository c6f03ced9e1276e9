import { ConfigurationError } from '../../errors';
import { randomBytes, randomUUID } from 'node:crypto';

import type { SigV4Gateway } from '../gateway';
import { verifierFor } from '../srp';
import type { PendingCode } from './outbox';
import { ServiceError } from './serviceError';
import type {
  CognitoEmulatorOptions,
  EmulatedAuthTriggers,
  EmulatedDeviceConfiguration,
  EmulatedMfaType,
  EmulatedPasswordPolicy,
  EmulatedUser,
} from './types';

/** A user as the pool keeps it: an SRP verifier, lockout, codes, MFA and TOTP state. */
export interface UserRecord extends EmulatedUser {
  sub: string;
  salt: string;
  verifier: bigint;
  failedAttempts: number;
  /** Codes sent and not yet spent, by purpose (and attribute). */
  codes: Map<string, PendingCode>;
  /** The TOTP secret (base32): associated, and verified once VerifySoftwareToken accepted a code. */
  softwareToken?: { secret: string; verified: boolean } | undefined;
  totpDeviceName?: string | undefined;
  /** MFA methods enabled for the user, and the preferred one. */
  mfaEnabled: Set<EmulatedMfaType>;
  mfaPreferred?: EmulatedMfaType | undefined;
  /** Attributes verified (`email`, `phone_number`). */
  verified: Set<string>;
}

/** A device the pool tracks for a user (NewDeviceMetadata, then ConfirmDevice). */
export interface DeviceRecord {
  username: string;
  deviceKey: string;
  groupKey: string;
  name?: string | undefined;
  /** Set by ConfirmDevice: the device's SRP verifier and salt (hex). */
  verifier?: bigint | undefined;
  salt?: string | undefined;
  remembered: boolean;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Everything the emulator knows; each module reads and changes the part it implements. */
export interface EmulatorState {
  readonly region: string;
  readonly userPoolId: string;
  /** The part of the pool id after `_`: SRP hashes it. */
  readonly poolName: string;
  readonly clientId: string;
  /** The app client's secret: then every call must carry `SECRET_HASH`. */
  readonly clientSecret: string | undefined;
  readonly mfaConfiguration: 'OFF' | 'OPTIONAL' | 'ON';
  readonly deviceConfiguration: EmulatedDeviceConfiguration | undefined;
  readonly triggers: EmulatedAuthTriggers;
  /** The app client's `ExplicitAuthFlows`; `undefined` allows every flow. */
  readonly explicitAuthFlows: readonly string[] | undefined;
  readonly identityPoolId: string;
  readonly providerName: string;
  readonly issuer: string;
  readonly tokenLifetimeSeconds: number;
  readonly refreshTokenLifetimeSeconds: number;
  readonly credentialsLifetimeSeconds: number;
  readonly challengeLifetimeSeconds: number;
  readonly maxFailedAttempts: number;
  readonly allowUnauthenticated: boolean;
  readonly linkGuestIdentities: boolean;
  readonly passwordPolicy: Required<{
    [K in keyof EmulatedPasswordPolicy]: NonNullable<EmulatedPasswordPolicy[K]>;
  }>;
  /** The server's clock, in milliseconds: the machine's plus `clockOffsetMs`. */
  now(): number;
  readonly users: Map<string, UserRecord>;
  readonly devices: Map<string, DeviceRecord>;
  readonly gateways: SigV4Gateway[];
  readonly issued: IssuedCredentials[];
}

function count(value: number | undefined, fallback: number, name: string, min = 0): number {
  const chosen = value ?? fallback;
  if (typeof chosen !== 'number' || !Number.isFinite(chosen) || chosen < min) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `startCognitoEmulator(): ${name} must be a finite number, ${min} or more.`,
    );
  }
  return chosen;
}

export function createState(options: CognitoEmulatorOptions): EmulatorState {
  const region = options.region ?? 'us-east-1';
  const userPoolId = options.userPoolId ?? `${region}_Emulated1`;
  const providerName = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const offset = options.clockOffsetMs ?? 0;
  if (typeof offset !== 'number' || !Number.isFinite(offset)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'startCognitoEmulator(): clockOffsetMs must be a finite number.',
    );
  }
  const policy = options.passwordPolicy ?? {};
  const state: EmulatorState = {
    region,
    userPoolId,
    poolName: userPoolId.split('_')[1] ?? userPoolId,
    clientId: options.clientId ?? 'emulatorappclient0000000000',
    clientSecret: options.clientSecret,
    mfaConfiguration: options.mfaConfiguration ?? 'OPTIONAL',
    deviceConfiguration: options.deviceConfiguration,
    triggers: options.triggers ?? {},
    explicitAuthFlows: options.explicitAuthFlows,
    identityPoolId: options.identityPoolId ?? `${region}:00000000-0000-4000-8000-000000000001`,
    providerName,
    issuer: `https://${providerName}`,
    tokenLifetimeSeconds: count(options.tokenLifetimeSeconds, 3600, 'tokenLifetimeSeconds', 1),
    refreshTokenLifetimeSeconds: count(
      options.refreshTokenLifetimeSeconds,
      30 * 24 * 3600,
      'refreshTokenLifetimeSeconds',
      1,
    ),
    credentialsLifetimeSeconds: count(
      options.credentialsLifetimeSeconds,
      3600,
      'credentialsLifetimeSeconds',
      1,
    ),
    challengeLifetimeSeconds: count(
      options.challengeLifetimeSeconds,
      180,
      'challengeLifetimeSeconds',
    ),
    maxFailedAttempts: count(options.maxFailedAttempts, 5, 'maxFailedAttempts'),
    allowUnauthenticated: options.allowUnauthenticated ?? false,
    linkGuestIdentities: options.linkGuestIdentities ?? true,
    passwordPolicy: {
      minimumLength: count(policy.minimumLength, 8, 'passwordPolicy.minimumLength'),
      requireUppercase: policy.requireUppercase ?? false,
      requireLowercase: policy.requireLowercase ?? false,
      requireNumbers: policy.requireNumbers ?? false,
      requireSymbols: policy.requireSymbols ?? false,
    },
    now: () => Date.now() + offset,
    users: new Map(),
    devices: new Map(),
    gateways: [...(options.gateways ?? [])],
    issued: [],
  };
  for (const user of options.users ?? []) addUser(state, user);
  return state;
}

/** Adds or replaces a user; a replaced user keeps its `sub` (and so its identity). */
export function addUser(state: EmulatorState, user: EmulatedUser): UserRecord {
  const salt = randomBytes(16).toString('hex');
  const previous = state.users.get(user.username);
  const mfaEnabled = new Set<EmulatedMfaType>(user.mfa === undefined ? [] : [user.mfa]);
  if (user.totpSecret !== undefined) mfaEnabled.add('SOFTWARE_TOKEN_MFA');
  const record: UserRecord = {
    ...user,
    sub: previous?.sub ?? randomUUID(),
    salt,
    verifier: verifierFor(state.poolName, user.username, user.password, salt),
    failedAttempts: 0,
    codes: new Map(),
    softwareToken:
      user.totpSecret === undefined ? undefined : { secret: user.totpSecret, verified: true },
    mfaEnabled,
    mfaPreferred: user.mfa,
    verified: new Set(
      user.confirmed === false
        ? []
        : ['email', 'phone_number'].filter((a) => user.attributes?.[a] !== undefined),
    ),
  };
  state.users.set(user.username, record);
  return record;
}

/** Sets a new password (new verifier and salt), keeping everything else about the user. */
export function setPassword(user: UserRecord, state: EmulatorState, password: string): void {
  user.password = password;
  user.salt = randomBytes(16).toString('hex');
  user.verifier = verifierFor(state.poolName, user.username, password, user.salt);
  user.failedAttempts = 0;
  user.newPasswordRequired = false;
  user.codes.delete('ForgotPassword');
}

export function userNamed(state: EmulatorState, username: unknown): UserRecord {
  const user = typeof username === 'string' ? state.users.get(username) : undefined;
  if (user === undefined) throw new ServiceError('UserNotFoundException', 'User does not exist.');
  return user;
}

/** Cognito's wording for each rule of the policy, checked in its order. */
export function checkPasswordPolicy(state: EmulatorState, password: unknown): string {
  const policy = state.passwordPolicy;
  const refuse = (rule: string): never => {
    throw new ServiceError(
      'InvalidPasswordException',
      `Password does not conform to policy: ${rule}`,
    );
  };
  if (typeof password !== 'string' || password.length < policy.minimumLength) {
    refuse('Password not long enough');
  }
  const value = password as string;
  if (policy.requireLowercase && !/[a-z]/.test(value))
    refuse('Password must have lowercase characters');
  if (policy.requireUppercase && !/[A-Z]/.test(value))
    refuse('Password must have uppercase characters');
  if (policy.requireNumbers && !/[0-9]/.test(value))
    refuse('Password must have numeric characters');
  if (policy.requireSymbols && !/[^A-Za-z0-9\s]/.test(value))
    refuse('Password must have symbol characters');
  return value;
}
