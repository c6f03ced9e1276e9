import { randomBytes } from 'node:crypto';

import { N, serverEphemeral } from '../srp';
import { ServiceError } from './serviceError';
import type { EmulatorState, UserRecord } from './state';

/** What a sign-in carries from step to step: its flow, the device named, custom-auth history. */
export interface SignInContext {
  /** The `AuthFlow` it began with. */
  flow: string;
  /** The `DEVICE_KEY` the client sent, if any. */
  deviceKey?: string | undefined;
  /** The custom-auth session so far (what `defineAuthChallenge` sees). */
  custom?: CustomAuthStep[] | undefined;
  /** Private parameters of the custom challenge asked. */
  privateParameters?: Record<string, unknown> | undefined;
  challengeMetadata?: string | undefined;
  /** A remembered device proved itself (DEVICE_PASSWORD_VERIFIER): MFA is skipped. */
  deviceAuthenticated?: boolean | undefined;
}

/** One step of a custom-auth session, as Cognito lists them for `defineAuthChallenge`. */
export interface CustomAuthStep {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string | undefined;
}

/** The server half of an SRP exchange, kept under its `SECRET_BLOCK`. */
export interface SrpSession {
  username: string;
  A: bigint;
  B: bigint;
  b: bigint;
  /** The verifier it was made with: the user's, or a device's. */
  verifier: bigint;
  /** The device key of a device SRP exchange. */
  deviceKey?: string | undefined;
  signIn: SignInContext;
}

/**
 * The sign-in steps between calls: SRP exchanges (keyed by `SECRET_BLOCK`) and challenge
 * `Session`s. Each can be answered once, within `challengeLifetimeSeconds`.
 */
export interface ChallengeStore {
  /**
   * Starts an SRP exchange against the user's verifier (or the device's) for a client that
   * sent `srpA` (hex); refuses a missing or malformed one, or A ≡ 0 (mod N), as Cognito does.
   */
  startSrp(
    user: UserRecord,
    srpA: string | undefined,
    signIn: SignInContext,
    device?: { deviceKey: string; verifier: bigint },
  ): { B: bigint; secretBlock: string };
  /** Takes (and ends) the SRP exchange of a secret block, or `undefined`. */
  takeSrp(secretBlock: string): SrpSession | undefined;
  /** A challenge answer: `ChallengeName`, `Session` and the parameters the client needs. */
  open(
    user: UserRecord,
    name: string,
    parameters: Record<string, string>,
    signIn?: SignInContext,
  ): Record<string, unknown>;
  /** The user a `Session` was issued to for this challenge; refuses an expired or spent one. */
  pending(session: unknown, name: unknown): string;
  /** The sign-in a pending `Session` belongs to. */
  context(session: unknown): SignInContext;
  /** Ends a `Session` once it has been answered. */
  close(session: unknown): void;
}

/** Cognito's refusal of an expired, spent or unknown sign-in `Session`. */
export const EXPIRED = 'Invalid session for the user, session is expired.';

export function createChallengeStore(state: EmulatorState): ChallengeStore {
  const srp = new Map<string, SrpSession & { expiresAt: number }>();
  const sessions = new Map<
    string,
    { username: string; name: string; expiresAt: number; signIn: SignInContext }
  >();
  const deadline = () => state.now() + state.challengeLifetimeSeconds * 1000;

  return {
    startSrp(user, srpA, signIn, device) {
      const A = BigInt(`0x${/^[0-9a-f]+$/i.test(srpA ?? '') ? srpA : '0'}`);
      if (A % N === 0n) throw new ServiceError('InvalidParameterException', 'SRP_A is invalid.');
      const verifier = device?.verifier ?? user.verifier;
      const { b, B } = serverEphemeral(verifier);
      const secretBlock = randomBytes(64).toString('base64');
      srp.set(secretBlock, {
        username: user.username,
        A,
        B,
        b,
        verifier,
        deviceKey: device?.deviceKey,
        signIn,
        expiresAt: deadline(),
      });
      return { B, secretBlock };
    },

    takeSrp(secretBlock) {
      const session = srp.get(secretBlock);
      srp.delete(secretBlock);
      if (session === undefined || session.expiresAt <= state.now()) return undefined;
      return session;
    },

    open(user, name, parameters, signIn = { flow: 'USER_SRP_AUTH' }) {
      const session = randomBytes(32).toString('base64url');
      sessions.set(session, { username: user.username, name, expiresAt: deadline(), signIn });
      return {
        ChallengeName: name,
        Session: session,
        ChallengeParameters: { USER_ID_FOR_SRP: user.username, ...parameters },
      };
    },

    pending(session, name) {
      const record = typeof session === 'string' ? sessions.get(session) : undefined;
      if (record === undefined || record.name !== name || record.expiresAt <= state.now()) {
        throw new ServiceError('NotAuthorizedException', EXPIRED);
      }
      return record.username;
    },

    context(session) {
      const record = typeof session === 'string' ? sessions.get(session) : undefined;
      if (record === undefined) throw new ServiceError('NotAuthorizedException', EXPIRED);
      return record.signIn;
    },

    close(session) {
      if (typeof session === 'string') sessions.delete(session);
    },
  };
}
