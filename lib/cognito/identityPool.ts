import type { Credentials } from '../index';
import { CognitoServiceError } from './errors';
import { CognitoFailure, says, toServiceError, typeOf } from './failures';
import type { Transport } from './transport';

/** `Logins` of `GetId`/`GetCredentialsForIdentity`: provider name → ID token; none for a guest. */
export type Logins = Record<string, string> | undefined;

/** Credentials and the identity id they were issued for. */
export interface IssuedCredentials {
  identityId: string;
  credentials: Credentials;
}

/** The identity pool's two calls, through the shared transport. */
export interface IdentityPoolClient {
  getId(logins: Logins): Promise<string>;
  getCredentials(identityId: string, logins: Logins): Promise<IssuedCredentials>;
}

const WHAT = 'Fetching identity-pool credentials';

/** Why the identity pool refused, in words that point at the cause. */
function explain(error: unknown, identityPoolId: string, guest: boolean): Error {
  if (!(error instanceof CognitoFailure)) return toServiceError(error, WHAT);
  const type = error.code;
  let advice: string;
  if (type === 'ResourceNotFoundException') {
    advice = /identitypool/i.test(error.message)
      ? `there is no identity pool ${identityPoolId}: check \`identityPoolId\` and \`region\``
      : 'the identity pool does not know this identity id (deleted, or from another pool)';
  } else if (type === 'NotAuthorizedException' && /token expired/i.test(error.message)) {
    advice = `${says(error)}: the ID token had expired; check this device's clock`;
  } else if (type === 'NotAuthorizedException' && guest) {
    advice = 'the identity pool does not allow guests: turn on unauthenticated access, or sign in';
  } else if (type === 'NotAuthorizedException') {
    advice = `${says(error)}: add the user pool and app client to the identity pool's authentication providers`;
  } else if (type === 'InvalidIdentityPoolConfigurationException') {
    advice = "the identity pool's roles are missing or cannot be assumed: check its IAM roles";
  } else {
    return toServiceError(error, WHAT);
  }
  return new CognitoServiceError('ERR_COGNITO', `${WHAT}: ${advice} (${type}).`, { cause: error });
}

export function identityPoolClient(
  transport: Transport,
  endpoint: string,
  identityPoolId: string,
): IdentityPoolClient {
  return {
    async getId(logins) {
      const answer = await transport
        .call(WHAT, endpoint, 'AWSCognitoIdentityService.GetId', {
          IdentityPoolId: identityPoolId,
          ...(logins === undefined ? {} : { Logins: logins }),
        })
        .catch((error: unknown) => {
          throw explain(error, identityPoolId, logins === undefined);
        });
      const identityId = answer['IdentityId'];
      if (typeof identityId !== 'string' || identityId === '') {
        throw new CognitoServiceError(
          'ERR_COGNITO',
          `${WHAT}: GetId answered without an IdentityId.`,
        );
      }
      return identityId;
    },

    async getCredentials(identityId, logins) {
      const answer = await transport.call(
        WHAT,
        endpoint,
        'AWSCognitoIdentityService.GetCredentialsForIdentity',
        { IdentityId: identityId, ...(logins === undefined ? {} : { Logins: logins }) },
      );
      const issued = (answer['Credentials'] ?? {}) as Record<string, unknown>;
      const { AccessKeyId, SecretKey, SessionToken, Expiration } = issued;
      if (typeof AccessKeyId !== 'string' || typeof SecretKey !== 'string') {
        throw new CognitoServiceError(
          'ERR_COGNITO',
          `${WHAT}: Cognito answered without credentials.`,
        );
      }
      return {
        identityId: typeof answer['IdentityId'] === 'string' ? answer['IdentityId'] : identityId,
        credentials: {
          accessKeyId: AccessKeyId,
          secretAccessKey: SecretKey,
          ...(typeof SessionToken === 'string' ? { sessionToken: SessionToken } : {}),
          ...(typeof Expiration === 'number' ? { expiration: new Date(Expiration * 1000) } : {}),
        },
      };
    },
  };
}

/**
 * Whether a refusal is about the stored identity id itself, so that a new one may be fetched:
 * the pool does not know it, or it belongs to another login (storage written by an older
 * version that mixed users up).
 */
export function identityRejected(error: unknown): boolean {
  const type = typeOf(error);
  if (type === 'ResourceNotFoundException') return true;
  return (
    type === 'NotAuthorizedException' &&
    error instanceof Error &&
    /logins (?:do not|don't) match/i.test(error.message)
  );
}

/** Whether a guest identity could not be linked to the user (so the user's own is fetched). */
export function linkRefused(error: unknown): boolean {
  const type = typeOf(error);
  return (
    type === 'NotAuthorizedException' ||
    type === 'ResourceNotFoundException' ||
    type === 'ResourceConflictException'
  );
}

export { explain as explainIdentityFailure };
