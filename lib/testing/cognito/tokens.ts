import { generateKeyPairSync, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { ServiceError } from './serviceError';
import type { EmulatorState, UserRecord } from './state';

/**
 * The user pool's tokens: RS256 JWTs (ID and access) signed with a key made at start, and opaque
 * refresh tokens kept server side so they can be revoked.
 */
export interface TokenService {
  /**
   * The `AuthenticationResult` of a sign-in (with a refresh token) or of a refresh (without;
   * `from` is then what the refresh token was issued with). Every token carries the `origin_jti`
   * of its sign-in, and `device_key` (access token) when a device is remembered.
   */
  issue(
    user: UserRecord,
    withRefreshToken: boolean,
    from?: Partial<TokenOrigin>,
  ): Record<string, unknown>;
  /** Who a refresh token belongs to; refuses unknown, revoked and expired ones. */
  redeemRefreshToken(token: unknown): TokenOrigin & { username: string };
  /**
   * RevokeToken: revokes a refresh token and every access token issued from it (same
   * `origin_jti`). An unknown token is not an error (RFC 7009 §2.2); a JWT is refused.
   */
  revokeRefreshToken(token: unknown): void;
  /** Revokes every refresh token of a user. */
  revokeRefreshTokens(username: string): void;
  /** GlobalSignOut: revokes every refresh token and access token issued to a user so far. */
  signOutEverywhere(username: string): void;
  /** The claims of an ID token of this pool and app client, refused as Cognito would. */
  verifyIdToken(token: unknown): Record<string, unknown>;
  /** The claims of an access token of this pool that GlobalSignOut has not revoked. */
  verifyAccessToken(token: unknown): Record<string, unknown>;
}

/** What tokens refreshed from one sign-in share: its `origin_jti` and remembered device. */
export interface TokenOrigin {
  origin: string;
  deviceKey?: string | undefined;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function createTokenService(state: EmulatorState): TokenService {
  const { privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject } =
    generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const refreshTokens = new Map<
    string,
    TokenOrigin & { username: string; expiresAt: number; revoked: boolean }
  >();
  /** Access tokens by `jti`, so GlobalSignOut can revoke those already issued. */
  const accessTokens = new Map<string, { username: string; revoked: boolean }>();
  /** `origin_jti`s revoked by RevokeToken: their access tokens are refused. */
  const revokedOrigins = new Set<string>();

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
    issue(user, withRefreshToken, from) {
      const iat = Math.floor(state.now() / 1000);
      const lifetime = state.tokenLifetimeSeconds;
      const origin = from?.origin ?? randomUUID();
      const deviceKey = from?.deviceKey;
      const common = {
        sub: user.sub,
        iss: state.issuer,
        origin_jti: origin,
        auth_time: iat,
        iat,
        exp: iat + lifetime,
      };
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
          ...(deviceKey === undefined ? {} : { device_key: deviceKey }),
        }),
        ExpiresIn: lifetime,
        TokenType: 'Bearer',
      };
      if (withRefreshToken) {
        const refreshToken = randomBytes(48).toString('base64url');
        refreshTokens.set(refreshToken, {
          username: user.username,
          origin,
          deviceKey,
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
      return { username: record.username, origin: record.origin, deviceKey: record.deviceKey };
    },

    revokeRefreshToken(token) {
      if (typeof token === 'string' && token.split('.').length === 3) {
        throw new ServiceError('UnsupportedTokenTypeException', 'Unsupported token type');
      }
      const record = typeof token === 'string' ? refreshTokens.get(token) : undefined;
      if (record === undefined) return;
      record.revoked = true;
      revokedOrigins.add(record.origin);
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
      if (
        accessTokens.get(String(claims['jti']))?.revoked !== false ||
        revokedOrigins.has(String(claims['origin_jti']))
      ) {
        throw new ServiceError('NotAuthorizedException', 'Access Token has been revoked');
      }
      return claims;
    },
  };
}
