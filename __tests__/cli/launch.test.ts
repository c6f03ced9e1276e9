import { execFile, execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { buildSync } from 'esbuild';

import { chooseBuild, codeCacheDirectory } from '../../cli/src/launch';
import { loadWithCodeCache } from '../../cli/src/loadWithCodeCache';

/**
 * How the published command starts: which of its two builds runs (the one-file build only with
 * the library version it carries installed), and the V8 code cache kept for the one-file build.
 */
let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'apig-signer-launch-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function moduleFile(name: string, source: string): string {
  const path = join(work, name);
  writeFileSync(path, source);
  return path;
}

/**
 * Loads `file` through loadWithCodeCache in a fresh Node process (in this one, V8 would find the
 * script in its own in-memory cache and never read the file's), saves, and says how it went.
 */
function loadInChild(
  file: string,
  cacheDir: string | undefined,
): { cache: string; exports: unknown } {
  const loader = join(work, 'loader.mjs');
  buildSync({
    entryPoints: [join(__dirname, '../../cli/src/loadWithCodeCache.ts')],
    outfile: loader,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'error',
  });
  const script = `import { loadWithCodeCache } from ${JSON.stringify(pathToFileURL(loader).href)};
const loaded = loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)});
loaded.save();
process.stdout.write(JSON.stringify({ cache: loaded.cache, exports: loaded.exports }));`;
  const runner = join(work, 'runner.mjs');
  writeFileSync(runner, script);
  return JSON.parse(execFileSync(process.execPath, [runner], { encoding: 'utf8' })) as {
    cache: string;
    exports: unknown;
  };
}

describe('loadWithCodeCache', () => {
  it('loads the module, keeps its code cache (0600 in 0700), and the next start takes it', () => {
    const file = moduleFile('m.cjs', 'module.exports = { answer: 6 * 7, where: __filename };');
    const cacheDir = join(work, 'cache');
    expect(loadInChild(file, cacheDir)).toEqual({
      cache: 'missing',
      exports: { answer: 42, where: file },
    });
    const [cacheFile, ...others] = readdirSync(cacheDir);
    expect(others).toEqual([]);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir, cacheFile!)).mode & 0o777).toBe(0o600);
    expect(loadInChild(file, cacheDir)).toEqual({
      cache: 'used',
      exports: { answer: 42, where: file },
    });
  });

  it('never runs a cache made from other source, even of the same length', () => {
    const file = moduleFile('m.cjs', 'module.exports = { value: "aaaa" };');
    const cacheDir = join(work, 'cache');
    loadInChild(file, cacheDir);
    expect(loadInChild(file, cacheDir).cache).toBe('used');
    // Same length: V8's own check (the source's length) would take the old cache.
    moduleFile('m.cjs', 'module.exports = { value: "bbbb" };');
    expect(loadInChild(file, cacheDir)).toEqual({ cache: 'stale', exports: { value: 'bbbb' } });
    expect(loadInChild(file, cacheDir)).toEqual({ cache: 'used', exports: { value: 'bbbb' } });
  });

  it('a damaged cache is refused by V8: the module loads as without one, and is cached afresh', () => {
    const file = moduleFile('m.cjs', 'module.exports = { ok: true };');
    const cacheDir = join(work, 'cache');
    loadInChild(file, cacheDir);
    const cacheFile = join(cacheDir, readdirSync(cacheDir)[0]!);
    const bytes = readFileSync(cacheFile);
    // The source digest kept, V8's data garbled.
    bytes.fill(0x5a, 32);
    writeFileSync(cacheFile, bytes);
    expect(loadInChild(file, cacheDir)).toEqual({ cache: 'rejected', exports: { ok: true } });
    expect(loadInChild(file, cacheDir)).toEqual({ cache: 'used', exports: { ok: true } });
  });

  it('a cache directory that cannot be written: the module loads, save() does not throw', () => {
    const file = moduleFile('m.cjs', 'module.exports = 1;');
    const blocked = join(work, 'blocked');
    writeFileSync(blocked, 'a file where the directory would be');
    const loaded = loadWithCodeCache(file, join(blocked, 'cache'));
    expect(loaded.exports).toBe(1);
    expect(() => loaded.save()).not.toThrow();
    expect(readdirSync(work).sort()).toEqual(['blocked', 'm.cjs']);
  });

  it('without a cache directory: a plain require, nothing written', () => {
    const file = moduleFile('m.cjs', 'module.exports = { plain: true };');
    const loaded = loadWithCodeCache(file, undefined);
    expect(loaded).toMatchObject({ exports: { plain: true }, cache: 'off' });
    loaded.save();
    expect(readdirSync(work)).toEqual(['m.cjs']);
  });
});

/** A dist/ with both builds (each says which it is) and an installed `apig-signer`. */
function fakeInstall(bundled: string, installed: string | undefined): string {
  const dist = join(work, 'cli', 'dist');
  mkdirSync(dist, { recursive: true });
  writeFileSync(
    join(dist, 'one-file.json'),
    JSON.stringify({ file: 'apig-signer.cjs', library: bundled }),
  );
  // What the real builds do: run() ends the process with the command's exit code.
  writeFileSync(
    join(dist, 'apig-signer.cjs'),
    `let kind;
exports.commandKind = () => kind;
exports.run = async () => {
  kind = process.argv.includes('--bad') ? 'help' : 'request';
  process.stdout.write('one-file');
  process.exit(process.argv.includes('--fail') ? 22 : 0);
};`,
  );
  writeFileSync(
    join(dist, 'apig-signer.mjs'),
    `export async function run() { process.stdout.write('modules'); process.exit(0); }`,
  );
  buildSync({
    entryPoints: [join(__dirname, '../../cli/src/launch.ts')],
    outfile: join(dist, 'launch.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
  if (installed !== undefined) {
    const library = join(work, 'node_modules', 'apig-signer');
    mkdirSync(library, { recursive: true });
    writeFileSync(
      join(library, 'package.json'),
      JSON.stringify({
        name: 'apig-signer',
        version: installed,
        exports: { './package.json': './package.json' },
      }),
    );
  }
  return `${dist}/`;
}

/** Runs the launcher as bin/apig-signer.cjs does in a published install; resolves to stdout. */
async function launchIn(
  dist: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<string> {
  const bin = join(dist, '..', 'bin.cjs');
  writeFileSync(
    bin,
    `void require(${JSON.stringify(join(dist, 'launch.cjs'))}).launch(${JSON.stringify(dist)});\n`,
  );
  const result = await promisify(execFile)(process.execPath, [bin, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    ...(cwd === undefined ? {} : { cwd }),
  }).catch((error: unknown) => error as { stdout: string });
  return result.stdout;
}

describe('chooseBuild', () => {
  const request = ['https://api.example.com/prod/notes'];

  it('the one-file build when it carries the installed apig-signer', () => {
    const dist = fakeInstall('1.2.3', '1.2.3');
    expect(chooseBuild(dist, request)).toEqual({
      kind: 'one-file',
      file: join(dist, 'apig-signer.cjs'),
    });
  });

  it('the modules build when another apig-signer is installed: the installed one signs', () => {
    const dist = fakeInstall('1.2.3', '1.2.4');
    expect(chooseBuild(dist, request)).toMatchObject({
      kind: 'modules',
      reason: 'the installed apig-signer is 1.2.4; the one-file build carries 1.2.3',
    });
  });

  it('the modules build without a one-file build, or without apig-signer installed', () => {
    const dist = fakeInstall('1.2.3', undefined);
    expect(chooseBuild(dist, request)).toMatchObject({ kind: 'modules' });
    rmSync(join(dist, 'one-file.json'));
    expect(chooseBuild(dist, request)).toMatchObject({
      kind: 'modules',
      reason: 'no one-file build',
    });
  });

  it('the modules build for --help, --version and no arguments (text only)', () => {
    const dist = fakeInstall('1.2.3', '1.2.3');
    for (const argv of [[], ['--help'], ['-h'], ['--version'], ['-V']]) {
      expect(chooseBuild(dist, argv).kind).toBe('modules');
    }
  });
});

describe('launch', () => {
  it('runs the build chooseBuild picks, and keeps the code cache after a request that succeeded only', async () => {
    const dist = fakeInstall('1.2.3', '1.2.3');
    const env = { XDG_CACHE_HOME: join(work, 'xdg') };
    const codeCache = join(work, 'xdg', 'apig-signer', 'code-cache');
    expect(await launchIn(dist, ['--help'], env)).toBe('modules');
    expect(await launchIn(dist, ['--fail', 'u'], env)).toBe('one-file');
    expect(await launchIn(dist, ['--bad', 'u'], env)).toBe('one-file');
    expect(() => readdirSync(codeCache)).toThrow();
    expect(await launchIn(dist, ['u'], env)).toBe('one-file');
    expect(readdirSync(codeCache)).toHaveLength(1);

    const other = fakeInstall('1.2.3', '1.3.0');
    expect(await launchIn(other, ['u'], env)).toBe('modules');
  });

  it('NODE_DISABLE_COMPILE_CACHE: no code cache written', async () => {
    const dist = fakeInstall('1.2.3', '1.2.3');
    const env = { XDG_CACHE_HOME: join(work, 'xdg'), NODE_DISABLE_COMPILE_CACHE: '1' };
    expect(await launchIn(dist, ['u'], env)).toBe('one-file');
    expect(() => readdirSync(join(work, 'xdg'))).toThrow();
  });
});

describe('codeCacheDirectory: where the home directory is not known', () => {
  afterEach(() => jest.restoreAllMocks());

  it('HOME empty (or a relative XDG_CACHE_HOME): no code cache, never one in the working directory', async () => {
    expect(codeCacheDirectory({ HOME: '' })).toBeUndefined();
    expect(codeCacheDirectory({ XDG_CACHE_HOME: 'cache', HOME: '' })).toBeUndefined();
    // As installed: a request that succeeds keeps no cache beside the files of the directory
    // it ran in (where anyone who wrote that directory could have put one for it to load).
    const dist = fakeInstall('1.2.3', '1.2.3');
    const project = join(work, 'project');
    mkdirSync(project);
    expect(await launchIn(dist, ['u'], { HOME: '' }, project)).toBe('one-file');
    expect(readdirSync(project)).toEqual([]);
  });

  it('HOME unset and no home in the user database (a container user): no code cache, no throw', () => {
    // As Node's os.homedir() fails there: uv_os_homedir finds neither HOME nor a passwd entry.
    // The module object itself (a namespace import's properties cannot be redefined).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeOs = require('node:os') as { homedir: () => string };
    jest.spyOn(nodeOs, 'homedir').mockImplementation(() => {
      throw new Error('uv_os_homedir returned ENOENT');
    });
    expect(codeCacheDirectory({})).toBeUndefined();
  });
});
