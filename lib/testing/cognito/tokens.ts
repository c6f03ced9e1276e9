import { generateKeyPairSync, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { ServiceError } from './serviceError';
import type { EmulatorState, UserRecord } from './state';

/**
 * The user pool's tokens: RS256 JWTs (ID and access) signed with a key made at start, and opaque
 * refresh tokens kept server side so they can be revoked.
 */
export interface TokenService {
  /** The `AuthenticationResult` of a sign-in (with a refresh token) or of a refresh (without). */
  issue(user: UserRecord, withRefreshToken: boolean): Record<string, unknown>;
  /** The user a refresh token belongs to; refuses unknown, revoked and expired ones. */
  redeemRefreshToken(token: unknown): string;
  /** Revokes every refresh token of a user. */
  revokeRefreshTokens(username: string): void;
  /** GlobalSignOut: revokes every refresh token and access token issued to a user so far. */
  signOutEverywhere(username: string): void;
  /** The claims of an ID token of this pool and app client, refused as Cognito would. */
  verifyIdToken(token: unknown): Record<string, unknown>;
  /** The claims of an access token of this pool that GlobalSignOut has not revoked. */
  verifyAccessToken(token: unknown): Record<string, unknown>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function createTokenService(state: EmulatorState): TokenService {
  const { privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject } =
    generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const refreshTokens = new Map<
    string,
    { username: string; expiresAt: number; revoked: boolean }
  >();
  /** Access tokens by `jti`, so GlobalSignOut can revoke those already issued. */
  const accessTokens = new Map<string, { username: string; revoked: boolean }>();

  function jwt(claims: Record<string, unknown>): string {
    const head = base64url(JSON.stringify({ kid, alg: 'RS256' }));
    const body = base64url(JSON.stringify(claims));
    const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey);
    return `${head}.${body}.${base64url(signature)}`;
  }

  /** Signature, then issuer and use, then expiry: the order Cognito reports them in. */
  function verified(token: unknown, use: 'id' | 'access'): Record<string, unknown> {
    const parts = typeof token === 'string' ? token.split('.') : [];
    const [head = '', body = '', signature = ''] = parts;
    const invalid = () =>
      new ServiceError(
        'NotAuthorizedException',
        use === 'id'
          ? 'Invalid login token. Not a valid OpenId Connect identity token.'
          : 'Invalid Access Token',
      );
    if (
      parts.length !== 3 ||
      !verify(
        'RSA-SHA256',
        Buffer.from(`${head}.${body}`),
        publicKey,
        Buffer.from(signature, 'base64url'),
      )
    ) {
      throw invalid();
    }
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const audience = use === 'id' ? claims['aud'] : claims['client_id'];
    if (
      claims['iss'] !== state.issuer ||
      audience !== state.clientId ||
      claims['token_use'] !== use
    ) {
      if (use === 'access') throw invalid();
      throw new ServiceError(
        'NotAuthorizedException',
        "Invalid login token. Issuer or audience doesn't match.",
      );
    }
    if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= state.now()) {
      throw new ServiceError(
        'NotAuthorizedException',
        use === 'id' ? 'Invalid login token. Token expired.' : 'Access Token has expired',
      );
    }
    return claims;
  }

  function revokeRefreshTokens(username: string): void {
    for (const record of refreshTokens.values())
      if (record.username === username) record.revoked = true;
  }

  return {
    issue(user, withRefreshToken) {
      const iat = Math.floor(state.now() / 1000);
      const lifetime = state.tokenLifetimeSeconds;
      const common = { sub: user.sub, iss: state.issuer, auth_time: iat, iat, exp: iat + lifetime };
      const accessJti = randomUUID();
      accessTokens.set(accessJti, { username: user.username, revoked: false });
      const result: Record<string, unknown> = {
        IdToken: jwt({
          ...common,
          ...user.attributes,
          aud: state.clientId,
          token_use: 'id',
          'cognito:username': user.username,
          jti: randomUUID(),
        }),
        AccessToken: jwt({
          ...common,
          client_id: state.clientId,
          token_use: 'access',
          scope: 'aws.cognito.signin.user.admin',
          username: user.username,
          jti: accessJti,
        }),
        ExpiresIn: lifetime,
        TokenType: 'Bearer',
      };
      if (withRefreshToken) {
        const refreshToken = randomBytes(48).toString('base64url');
        refreshTokens.set(refreshToken, {
          username: user.username,
          expiresAt: state.now() + state.refreshTokenLifetimeSeconds * 1000,
          revoked: false,
        });
        result['RefreshToken'] = refreshToken;
      }
      return result;
    },

    redeemRefreshToken(token) {
      const record = typeof token === 'string' ? refreshTokens.get(token) : undefined;
      if (record === undefined)
        throw new ServiceError('NotAuthorizedException', 'Invalid Refresh Token');
      if (record.revoked)
        throw new ServiceError('NotAuthorizedException', 'Refresh Token has been revoked');
      if (record.expiresAt <= state.now())
        throw new ServiceError('NotAuthorizedException', 'Refresh Token has expired');
      return record.username;
    },

    revokeRefreshTokens,

    signOutEverywhere(username) {
      revokeRefreshTokens(username);
      for (const record of accessTokens.values())
        if (record.username === username) record.revoked = true;
    },

    verifyIdToken: (token) => verified(token, 'id'),

    verifyAccessToken(token) {
      const claims = verified(token, 'access');
      if (accessTokens.get(String(claims['jti']))?.revoked !== false) {
        throw new ServiceError('NotAuthorizedException', 'Access Token has been revoked');
      }
      return claims;
    },
  };
}
