import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CognitoStorage } from 'apig-signer/cognito';

import { cacheDirectory } from './cacheDirectory';
import { usageError } from './exitCodes';

/** One user's Cognito session on disk: the file, and the storage the library writes into. */
export interface SessionCache {
  path: string;
  storage: CognitoStorage;
  /** Removes the file (sign-out). */
  remove(): void;
}

/**
 * The session cache of one user of one app client of one user pool: a JSON file of what the
 * library stores (ID, access and refresh tokens, the identity id; never the password), in a
 * directory only the user can enter (0700), readable by the user only (0600). Each write
 * replaces the file whole (written aside, then renamed), so a reader never sees half of one.
 */
export function sessionCache(
  env: NodeJS.ProcessEnv,
  user: { userPoolId: string; clientId: string; username: string },
): SessionCache {
  const cacheHome = cacheDirectory(env);
  if (cacheHome === undefined) {
    // Tokens are never kept in the working directory (an empty or relative HOME would name it).
    throw usageError(
      'no cache directory for the Cognito session: HOME is unset, empty or relative. Set HOME or XDG_CACHE_HOME to an absolute path, or pass --no-session-cache',
    );
  }
  const directory = join(cacheHome, 'apig-signer', 'cognito');
  const id = createHash('sha256')
    .update(`${user.userPoolId}\n${user.clientId}\n${user.username}`)
    .digest('hex')
    .slice(0, 32);
  const path = join(directory, `${id}.json`);
  let values: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null) values = parsed as Record<string, string>;
  } catch {
    // No session yet, or an unreadable one: sign in afresh.
  }
  const save = () => {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    chmodSync(directory, 0o700);
    const aside = `${path}.${process.pid}`;
    writeFileSync(aside, JSON.stringify(values), { mode: 0o600 });
    renameSync(aside, path);
  };
  const storage: CognitoStorage = {
    getItem: (key) => values[key] ?? null,
    setItem: (key, value) => {
      values[key] = value;
      save();
    },
    removeItem: (key) => {
      if (!(key in values)) return;
      values = Object.fromEntries(Object.entries(values).filter(([name]) => name !== key));
      save();
    },
    clear: () => {
      values = {};
      save();
    },
  };
  return {
    path,
    storage,
    remove: () => {
      values = {};
      rmSync(path, { force: true });
    },
  };
}
