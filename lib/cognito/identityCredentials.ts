import type { Credentials } from '../index';
import { NotSignedInError } from './errors';
import { explainIdentityFailure, identityRejected, linkRefused } from './identityPool';
import type { IdentityPoolClient, IssuedCredentials, Logins } from './identityPool';
import type { Session } from './session';
import type { SessionStore } from './sessionStore';

/** Identity-pool credentials for a session; see {@link createIdentityCredentials}. */
export interface IdentityCredentials {
  /**
   * Credentials for the session's login (`undefined`: a guest), and its identity id kept in
   * memory and, while the session is current, in storage.
   * @throws NotSignedInError when the session ends first; a typed error for a refusal.
   */
  issue(session: Session, logins: Logins): Promise<Credentials>;
}

export interface IdentityCredentialsOptions {
  identityPool: IdentityPoolClient;
  store: SessionStore;
  identityPoolId: string;
  /** Whether `session` is still the current one: only then is storage written. */
  isCurrent: (session: Session) => boolean;
}

const ENDED = 'The session ended while credentials were fetched.';

/**
 * `GetId` once per identity, `GetCredentialsForIdentity` with the stored identity id (or the
 * guest's, which the pool may link to the user who signs in on it). An identity id the pool
 * rejects is dropped and fetched again, once; a transient error keeps it.
 */
export function createIdentityCredentials(
  options: IdentityCredentialsOptions,
): IdentityCredentials {
  const { identityPool, store, identityPoolId, isCurrent } = options;

  async function issued(session: Session, logins: Logins): Promise<IssuedCredentials> {
    const guest = logins === undefined;
    const known = session.identityId ?? store.identityId(session.username);
    if (known !== undefined) {
      try {
        return await identityPool.getCredentials(known, logins);
      } catch (error) {
        if (!identityRejected(error)) throw explainIdentityFailure(error, identityPoolId, guest);
        // The pool no longer knows this identity id: drop it and get a new one, once.
        session.identityId = undefined;
        if (isCurrent(session)) store.dropIdentityId(session.username, known);
      }
    } else if (session.guestIdentityId !== undefined && !guest) {
      const guestIdentityId = session.guestIdentityId;
      try {
        const linked = await identityPool.getCredentials(guestIdentityId, logins);
        session.guestIdentityId = undefined;
        if (isCurrent(session)) store.dropIdentityId(undefined, guestIdentityId);
        return linked;
      } catch (error) {
        if (!linkRefused(error)) throw explainIdentityFailure(error, identityPoolId, guest);
        session.guestIdentityId = undefined; // the pool keeps guests apart: the user's own identity
      }
    }
    const identityId = await identityPool.getId(logins);
    if (session.ended) throw new NotSignedInError(ENDED);
    return identityPool.getCredentials(identityId, logins).catch((error: unknown) => {
      throw explainIdentityFailure(error, identityPoolId, guest);
    });
  }

  return {
    async issue(session, logins) {
      const result = await issued(session, logins);
      if (session.ended) throw new NotSignedInError(ENDED);
      session.identityId = result.identityId;
      if (isCurrent(session) && store.identityId(session.username) !== result.identityId) {
        store.setIdentityId(session.username, result.identityId);
      }
      return result.credentials;
    },
  };
}
