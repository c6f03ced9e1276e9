import { randomBytes, randomUUID } from 'node:crypto';

import { ServiceError } from './serviceError';
import type { EmulatorState } from './state';
import type { TokenService } from './tokens';
import type { Operation } from './context';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** What the identity pool knows: identities, the user each is linked to, and lookups. */
export interface IdentityDirectory {
  /** The identity id linked to a user pool `sub`, if any. */
  identityOf(sub: string): string | undefined;
}

/**
 * The identity pool (`AWSCognitoIdentityService`):
 *
 * - `GetId`: the identity of the user in `Logins` (made on first use), or a new guest identity;
 * - `GetCredentialsForIdentity`: checks the identity against `Logins`, links a guest identity to
 *   a user who has none yet (when `linkGuestIdentities`), and issues temporary credentials that
 *   the linked gateways accept.
 */
export function identityPoolOperations(
  state: EmulatorState,
  tokens: TokenService,
): { operations: Record<string, Operation>; directory: IdentityDirectory } {
  const identities = new Map<string, { sub?: string | undefined }>();
  const identityBySub = new Map<string, string>();

  /** The `sub` of the one login given, or `undefined` for none; a wrong key or token is refused. */
  function subFromLogins(logins: unknown): string | undefined {
    if (logins === undefined || logins === null) return undefined;
    const entries = Object.entries(logins as Record<string, unknown>);
    const token = (logins as Record<string, unknown>)[state.providerName];
    if (entries.length !== 1 || token === undefined) {
      throw new ServiceError(
        'NotAuthorizedException',
        `Invalid login token. The Logins key must be ${state.providerName}.`,
      );
    }
    return String(tokens.verifyIdToken(token)['sub']);
  }

  function refuseGuests(): void {
    if (!state.allowUnauthenticated) {
      throw new ServiceError(
        'NotAuthorizedException',
        'Unauthenticated access is not supported for this identity pool.',
      );
    }
  }

  function newIdentity(sub?: string): string {
    const identityId = `${state.region}:${randomUUID()}`;
    identities.set(identityId, { sub });
    if (sub !== undefined) identityBySub.set(sub, identityId);
    return identityId;
  }

  /** Checks who may use an identity; a guest identity may become the user's (linking). */
  function authorise(identityId: string, sub: string | undefined): void {
    const identity = identities.get(identityId);
    if (identity === undefined)
      throw new ServiceError('ResourceNotFoundException', 'Identity not found.');
    if (identity.sub === undefined && sub !== undefined) {
      if (!state.linkGuestIdentities || identityBySub.has(sub)) {
        throw new ServiceError(
          'NotAuthorizedException',
          "Logins don't match. Please include at least one valid login for this identity or identity pool.",
        );
      }
      identity.sub = sub;
      identityBySub.set(sub, identityId);
      return;
    }
    if (identity.sub !== undefined && sub !== identity.sub) {
      throw new ServiceError(
        'NotAuthorizedException',
        'Invalid login token. Logins do not match the identity.',
      );
    }
    if (identity.sub === undefined) refuseGuests();
  }

  function issueCredentials() {
    const credentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(
        Math.floor(state.now() / 1000 + state.credentialsLifetimeSeconds) * 1000,
      ),
    };
    state.issued.push(credentials);
    for (const gateway of state.gateways) gateway.addCredentials(credentials);
    return credentials;
  }

  const operations: Record<string, Operation> = {
    GetId(body) {
      if (body['IdentityPoolId'] !== state.identityPoolId) {
        throw new ServiceError(
          'ResourceNotFoundException',
          `IdentityPool '${String(body['IdentityPoolId'])}' not found.`,
        );
      }
      const sub = subFromLogins(body['Logins']);
      if (sub === undefined) {
        refuseGuests();
        return { IdentityId: newIdentity() };
      }
      return { IdentityId: identityBySub.get(sub) ?? newIdentity(sub) };
    },

    GetCredentialsForIdentity(body) {
      const identityId = text(body['IdentityId']);
      authorise(identityId, subFromLogins(body['Logins']));
      const credentials = issueCredentials();
      return {
        IdentityId: identityId,
        Credentials: {
          AccessKeyId: credentials.accessKeyId,
          SecretKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          Expiration: credentials.expiration.getTime() / 1000,
        },
      };
    },
  };
  return { operations, directory: { identityOf: (sub) => identityBySub.get(sub) } };
}
