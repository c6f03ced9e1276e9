import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How a load used the code cache. */
export type CodeCacheUse =
  /** No cache directory: a plain `require`. */
  | 'off'
  /** None yet for this file and this V8: one is written by `save()`. */
  | 'missing'
  /** One made from other source (the file changed): compiled afresh, replaced by `save()`. */
  | 'stale'
  /** V8 refused it (another V8 build or flags, or a damaged file): replaced by `save()`. */
  | 'rejected'
  /** V8 took it: the file's functions were not parsed and compiled again. */
  | 'used';

export interface LoadedModule {
  exports: unknown;
  cache: CodeCacheUse;
  /**
   * Writes the cache when it was missing, stale or rejected; call it once the command has run,
   * so the cache holds the functions the run compiled too. Never throws: a cache that cannot be
   * written only means the next start compiles again.
   */
  save(): void;
}

/** sha256 of the source the cache was made from, in front of V8's data. */
const DIGEST_BYTES = 32;

/**
 * The cache, if it was made from exactly this source. V8 checks its own version and flags, but
 * of the source only its length: the digest is what tells an edited file of the same length.
 */
function readCache(path: string, digest: Buffer): { data: Buffer | undefined; stale: boolean } {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return { data: undefined, stale: false };
  }
  if (file.length <= DIGEST_BYTES || !file.subarray(0, DIGEST_BYTES).equals(digest)) {
    return { data: undefined, stale: true };
  }
  return { data: file.subarray(DIGEST_BYTES), stale: false };
}

/**
 * Loads a CommonJS file (the command's one-file build) as Node's `require` would, keeping V8's
 * code cache of it in `cacheDir`: the next start deserialises the compiled functions instead of
 * parsing and compiling the file again (Node 22's `module.enableCompileCache()` does the same,
 * and Node 20 lacks it). The cache is one file per source file name, V8 version and
 * architecture, written aside and renamed into place (0600, in a 0700 directory), so that
 * concurrent runs read a whole cache or none.
 *
 * What it never does: run a cache made from other source (the sha256 of the source is checked
 * first), or fail the command over the cache (unreadable, damaged or unwritable: the file is
 * compiled as without one). The file must not use `import()`: V8 gives functions taken from a
 * code cache no dynamic-import callback, so the build turns the one-file build's into `require`.
 *
 * @param file - absolute path of the CommonJS file.
 * @param cacheDir - where caches live; `undefined`: no cache, a plain `require`.
 * @returns the module's exports, how the cache was used, and `save()`.
 */
export function loadWithCodeCache(file: string, cacheDir: string | undefined): LoadedModule {
  const require = createRequire(file);
  if (cacheDir === undefined) {
    return { exports: require(file) as unknown, cache: 'off', save: () => undefined };
  }
  const bytes = readFileSync(file);
  const digest = createHash('sha256').update(bytes).digest();
  const source = bytes.toString('utf8');
  const cachePath = join(cacheDir, `${basename(file)}-v8-${process.versions.v8}-${process.arch}`);
  const cached = readCache(cachePath, digest);
  const script = new Script(Module.wrap(source), {
    filename: file,
    ...(cached.data === undefined ? {} : { cachedData: cached.data }),
  });
  const cache: CodeCacheUse =
    cached.data === undefined
      ? cached.stale
        ? 'stale'
        : 'missing'
      : script.cachedDataRejected === true
        ? 'rejected'
        : 'used';
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(module.exports, module.exports, require, module, file, dirname(file));
  let saved = cache === 'used';
  return {
    exports: module.exports,
    cache,
    save: () => {
      if (saved) return;
      saved = true;
      const temporary = `${cachePath}.${process.pid}`;
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        writeFileSync(temporary, Buffer.concat([digest, script.createCachedData()]), {
          mode: 0o600,
        });
        renameSync(temporary, cachePath);
      } catch {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // Nothing was written, or it cannot be removed either: the next start compiles.
        }
      }
    },
  };
}
