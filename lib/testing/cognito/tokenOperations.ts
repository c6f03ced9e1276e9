import { checkClientSecret, checkEnabled } from './checks';
import type { OperationTable, PoolContext } from './context';
import { userNamed } from './state';

/**
 * The operations on tokens themselves: GetTokensFromRefreshToken (what Amplify v6 refreshes
 * with), RevokeToken (a refresh token and every token issued from it, by `origin_jti`) and
 * GlobalSignOut (every token of the user).
 */
export function tokenOperations(ctx: PoolContext): OperationTable {
  const { state, tokens } = ctx;
  return {
    GetTokensFromRefreshToken(body) {
      checkClientSecret(ctx, body);
      const redeemed = tokens.redeemRefreshToken(body['RefreshToken']);
      const user = userNamed(state, redeemed.username);
      checkEnabled(user);
      return { AuthenticationResult: tokens.issue(user, false, redeemed) };
    },

    RevokeToken(body) {
      checkClientSecret(ctx, body);
      tokens.revokeRefreshToken(body['Token']);
      return {};
    },

    GlobalSignOut(body) {
      const claims = tokens.verifyAccessToken(body['AccessToken']);
      tokens.signOutEverywhere(String(claims['username']));
      return {};
    },
  };
}
