// The user's cache directory, apart from the session cache so that the launcher (and its tests)
// read it without the library's types.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The user's cache directory: $XDG_CACHE_HOME, else the platform's. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg !== '') return xdg;
  const home = env['HOME'] ?? homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches');
  if (process.platform === 'win32') return env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local');
  return join(home, '.cache');
}
