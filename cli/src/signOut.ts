import { cognitoEndpoints, cognitoPoolOptions, routeCognitoCalls } from './cognitoProxy';
import { EXIT } from './exitCodes';
import type { SignOutCommand } from './parseCommandLine';
import { sessionCache } from './sessionCache';

/** One RevokeToken attempt is given this long; one retry follows a network failure or a 5xx. */
const REVOKE_TIMEOUT_MS = 5_000;
const REVOKE_RETRY = { retries: 1, baseDelayMs: 200 };

/**
 * The longest the process stays up for the revocation after `--sign-out` has answered: both
 * attempts and the pause between them (the library's own bound), and a margin.
 */
export const REVOKE_BOUND_MS =
  REVOKE_TIMEOUT_MS * (REVOKE_RETRY.retries + 1) + REVOKE_RETRY.baseDelayMs * 2 + 1_000;

/** What `--sign-out` did, for the message and for how the process ends. */
export interface SignOutOutcome {
  exitCode: number;
  message: string;
  /** A RevokeToken request is on its way: the process must not end before it has settled. */
  revoking: boolean;
}

/**
 * `--sign-out`: restores the user's cached session, signs it out with the library (which sends
 * Cognito's RevokeToken for its refresh token, and with it every access token issued from it),
 * and removes the cache file.
 *
 * The file is removed whatever Cognito answers, and the command succeeds: revocation is best
 * effort (Cognito unreachable, revocation off for the app client, a token already revoked), as
 * in the library. It never signs in, never asks for a password, and never revokes anything but
 * this user's cached refresh token. The library does not say when the revocation has settled:
 * the process waits for it by not exiting while it is in flight ({@link REVOKE_BOUND_MS} at
 * most; see `run()` in main.ts).
 *
 * @throws {@link CliError} exit 2 for a bad `-x` (before anything is sent).
 */
export async function signOut(
  command: SignOutCommand,
  env: NodeJS.ProcessEnv,
): Promise<SignOutOutcome> {
  const user = command.cognito;
  const cache = sessionCache(env, user);
  routeCognitoCalls(cognitoEndpoints(user), command, env);
  const { createCognitoAuth } = await import('apig-signer/cognito');
  const auth = createCognitoAuth({
    ...cognitoPoolOptions(user),
    storage: cache.storage,
    timeoutMs: REVOKE_TIMEOUT_MS,
    retry: REVOKE_RETRY,
  });
  const cached = auth.username === user.username;
  // Local sign-out: the storage is cleared at once, RevokeToken leaves in the background.
  if (cached) auth.signOut();
  cache.remove();
  return {
    exitCode: EXIT.OK,
    message: cached
      ? `signed out ${user.username}: removed ${cache.path}; Cognito was asked to revoke the refresh token`
      : `signed out ${user.username}: no session was cached (${cache.path}), nothing to revoke`,
    revoking: cached,
  };
}
