// The user's cache directory, apart from the session cache so that the launcher (and its tests)
// read it without the library's types.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The user's cache directory: $XDG_CACHE_HOME, else the platform's under the home directory;
 * `undefined` when none is known as an absolute path. A relative `XDG_CACHE_HOME` is ignored (the
 * XDG specification calls it invalid); an empty or relative `HOME`, or none at all where the user
 * database has no home either (a container's numeric user: `os.homedir()` throws), gives
 * `undefined`: never the working directory, which whoever wrote it chose.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return xdg;
  let home: string;
  try {
    home = env['HOME'] ?? homedir();
  } catch {
    return undefined;
  }
  if (!isAbsolute(home)) return undefined;
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches');
  if (process.platform === 'win32') {
    const local = env['LOCALAPPDATA'];
    return local !== undefined && isAbsolute(local) ? local : join(home, 'AppData', 'Local');
  }
  return join(home, '.cache');
}
