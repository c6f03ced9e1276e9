import { randomBytes } from 'node:crypto';

import { serverEphemeral } from '../srp';
import { ServiceError } from './serviceError';
import type { EmulatorState, UserRecord } from './state';

/** The server half of an SRP exchange, kept under its `SECRET_BLOCK`. */
export interface SrpSession {
  username: string;
  A: bigint;
  B: bigint;
  b: bigint;
}

/**
 * The sign-in steps between calls: SRP exchanges (keyed by `SECRET_BLOCK`) and challenge
 * `Session`s. Each can be answered once, within `challengeLifetimeSeconds`.
 */
export interface ChallengeStore {
  /** Starts an SRP exchange for a user who sent `A`; returns `B` and the secret block. */
  startSrp(user: UserRecord, A: bigint): { B: bigint; secretBlock: string };
  /** Takes (and ends) the SRP exchange of a secret block, or `undefined`. */
  takeSrp(secretBlock: string): SrpSession | undefined;
  /** A challenge answer: `ChallengeName`, `Session` and the parameters the client needs. */
  open(user: UserRecord, name: string, parameters: Record<string, string>): Record<string, unknown>;
  /** The user a `Session` was issued to for this challenge; refuses an expired or spent one. */
  pending(session: unknown, name: unknown): string;
  /** Ends a `Session` once it has been answered. */
  close(session: unknown): void;
}

const EXPIRED = 'Invalid session for the user, session is expired.';

export function createChallengeStore(state: EmulatorState): ChallengeStore {
  const srp = new Map<string, SrpSession & { expiresAt: number }>();
  const sessions = new Map<string, { username: string; name: string; expiresAt: number }>();
  const deadline = () => state.now() + state.challengeLifetimeSeconds * 1000;

  return {
    startSrp(user, A) {
      const { b, B } = serverEphemeral(user.verifier);
      const secretBlock = randomBytes(64).toString('base64');
      srp.set(secretBlock, { username: user.username, A, B, b, expiresAt: deadline() });
      return { B, secretBlock };
    },

    takeSrp(secretBlock) {
      const session = srp.get(secretBlock);
      srp.delete(secretBlock);
      if (session === undefined || session.expiresAt <= state.now()) return undefined;
      return session;
    },

    open(user, name, parameters) {
      const session = randomBytes(32).toString('base64url');
      sessions.set(session, { username: user.username, name, expiresAt: deadline() });
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

    close(session) {
      if (typeof session === 'string') sessions.delete(session);
    },
  };
}
