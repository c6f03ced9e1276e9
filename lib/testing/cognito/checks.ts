import { createHmac, timingSafeEqual } from 'node:crypto';

import type { PoolContext } from './context';
import { ServiceError } from './serviceError';
import type { UserRecord } from './state';

/**
 * The app client: its id, and `SECRET_HASH` when it has a secret
 * (base64 HMAC-SHA256(secret, username ‖ clientId)). The hash may be made with the user name
 * or the `sub`, as Cognito accepts after a sign-in by alias.
 */
export function checkClient(
  ctx: PoolContext,
  body: Record<string, unknown>,
  username?: unknown,
  secretHash?: unknown,
): void {
  const { state } = ctx;
  if (body['ClientId'] !== state.clientId) {
    throw new ServiceError('ResourceNotFoundException', 'User pool client does not exist.');
  }
  const secret = state.clientSecret;
  if (secret === undefined) return;
  if (typeof secretHash !== 'string' || secretHash === '') {
    throw new ServiceError(
      'NotAuthorizedException',
      `Client ${state.clientId} is configured for secret but secret was not received`,
    );
  }
  const names = [typeof username === 'string' ? username : ''];
  const user = typeof username === 'string' ? state.users.get(username) : undefined;
  if (user !== undefined) names.push(user.sub);
  const given = Buffer.from(secretHash);
  const matches = names.some((name) => {
    const expected = Buffer.from(
      createHmac('sha256', secret)
        .update(name + state.clientId)
        .digest('base64'),
    );
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!matches) {
    throw new ServiceError(
      'NotAuthorizedException',
      `Unable to verify secret hash for client ${state.clientId}`,
    );
  }
}

/** Calls that name the client secret directly (`ClientSecret`: RevokeToken, GetTokensFromRefreshToken). */
export function checkClientSecret(ctx: PoolContext, body: Record<string, unknown>): void {
  const { state } = ctx;
  if (body['ClientId'] !== state.clientId) {
    throw new ServiceError('ResourceNotFoundException', 'User pool client does not exist.');
  }
  if (state.clientSecret !== undefined && body['ClientSecret'] !== state.clientSecret) {
    throw new ServiceError(
      'NotAuthorizedException',
      `Client ${state.clientId} is configured for secret but secret was not received`,
    );
  }
}

export function checkEnabled(user: UserRecord): void {
  if (user.enabled === false) throw new ServiceError('NotAuthorizedException', 'User is disabled.');
}

export function checkLockout(ctx: PoolContext, user: UserRecord): void {
  if (user.failedAttempts >= ctx.state.maxFailedAttempts) {
    user.failedAttempts += 1;
    throw new ServiceError('NotAuthorizedException', 'Password attempts exceeded');
  }
}

export function wrongPassword(ctx: PoolContext, user: UserRecord): never {
  user.failedAttempts += 1;
  throw new ServiceError(
    'NotAuthorizedException',
    user.failedAttempts > ctx.state.maxFailedAttempts
      ? 'Password attempts exceeded'
      : 'Incorrect username or password.',
  );
}

/** The signed-in user an `AccessToken` names (valid, not revoked, user still there). */
export function userOfAccessToken(ctx: PoolContext, token: unknown): UserRecord {
  const claims = ctx.tokens.verifyAccessToken(token);
  const user = ctx.state.users.get(String(claims['username']));
  if (user === undefined || user.sub !== claims['sub']) {
    throw new ServiceError('NotAuthorizedException', 'Access Token has been revoked');
  }
  checkEnabled(user);
  return user;
}
