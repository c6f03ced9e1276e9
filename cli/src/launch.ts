// How the published command starts: bin/apig-signer.cjs → dist/launch.cjs → one of two builds
// of the same sources (scripts/build.mjs). Kept apart from main.ts so that choosing costs a
// file read, not a module graph.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { loadWithCodeCache } from './loadWithCodeCache';
import { cacheDirectory } from './cacheDirectory';

/** dist/one-file.json, written by the build beside the one-file build. */
interface OneFileManifest {
  /** The one-file build, relative to dist/. */
  file: string;
  /** The version of `apig-signer` bundled into it. */
  library: string;
}

/** Which build to run, and why. */
export type Build =
  { kind: 'one-file'; file: string } | { kind: 'modules'; url: string; reason: string };

/** Arguments that make the command print text and stop. */
const TEXT_ONLY = new Set(['-h', '--help', '-V', '--version']);

interface Command {
  run: () => Promise<void>;
  commandKind?: () => string | undefined;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * The build to run from `distDir`. The one-file build (the command, `apig-signer`, axios and its
 * dependencies in one CommonJS file: one file to read and compile instead of a few hundred
 * modules to resolve) runs only when the `apig-signer` it carries is the version installed as
 * the command's dependency, the one the modules build would import: so the command always signs
 * with the installed library's code. Otherwise, or without a one-file build, the modules build
 * (dist/apig-signer.mjs, every package imported from node_modules) runs.
 *
 * @param distDir - the command's dist/ directory.
 * @param argv - the command line (without `node` and the script).
 * @returns the build, and for the modules build the reason the one-file build was passed over.
 */
export function chooseBuild(distDir: string, argv: readonly string[] = []): Build {
  const modules = (reason: string): Build => ({
    kind: 'modules',
    url: pathToFileURL(join(distDir, 'apig-signer.mjs')).href,
    reason,
  });
  // Text only: the modules build's first chunk has all it takes, the one-file build would read
  // and load the request path for nothing. (Either build answers any command line alike.)
  if (argv.length === 0 || argv.some((arg) => TEXT_ONLY.has(arg))) {
    return modules('--help and --version need no request path');
  }
  let manifest: OneFileManifest;
  try {
    manifest = readJson(join(distDir, 'one-file.json')) as OneFileManifest;
  } catch {
    return modules('no one-file build');
  }
  let installed: string;
  try {
    // Resolved from dist/ as the modules build's `import 'apig-signer'` is.
    const path = createRequire(join(distDir, 'launch.cjs')).resolve('apig-signer/package.json');
    installed = String((readJson(path) as { version?: unknown }).version);
  } catch {
    return modules('apig-signer is not installed beside the command');
  }
  if (installed !== manifest.library) {
    return modules(
      `the installed apig-signer is ${installed}; the one-file build carries ${manifest.library}`,
    );
  }
  return { kind: 'one-file', file: join(distDir, manifest.file) };
}

/**
 * Where compiled code is kept: `<cache directory>/apig-signer/code-cache`; `undefined` (no
 * cache) when that directory is not known as an absolute path.
 */
export function codeCacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  // Node's own switch for its compile cache turns this one off too.
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return undefined;
  // Unknown (no HOME, or an empty or relative one): no cache, never one in the working directory.
  const directory = cacheDirectory(env);
  return directory === undefined ? undefined : join(directory, 'apig-signer', 'code-cache');
}

/**
 * Runs the command: the build {@link chooseBuild} picks, the one-file build through V8's code
 * cache ({@link loadWithCodeCache}), the modules build through Node's compile cache where Node
 * has one (22.1 and later).
 *
 * @param distDir - the command's dist/ directory.
 * @param env - where the cache directory is read from.
 */
export async function launch(distDir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cacheDir = codeCacheDirectory(env);
  const build = chooseBuild(distDir, process.argv.slice(2));
  if (build.kind === 'one-file') {
    const loaded = loadWithCodeCache(build.file, cacheDir);
    const command = loaded.exports as Command;
    // Kept after a request that succeeded: the cache then holds what a request compiles (the
    // library, axios, the transport), the start-up that counts. `--help`, or a request refused
    // before it was sent, would keep only the parsing of the command line.
    process.once('exit', (code) => {
      if (code === 0 && command.commandKind?.() === 'request') loaded.save();
    });
    await command.run();
    return;
  }
  const node = Module as { enableCompileCache?: (directory: string) => unknown };
  if (cacheDir !== undefined) node.enableCompileCache?.(join(cacheDir, 'node'));
  const { run } = (await import(build.url)) as Command;
  await run();
}
