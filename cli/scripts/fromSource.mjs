// In a clone: bundles the command from cli/src, with `apig-signer` and `apig-signer/cognito`
// taken from the library's sources in lib/ (no dist/ needed, never stale), every other package
// left to node_modules. esbuild (a development dependency of the repository) takes a fraction
// of a second; the bundle is reused while none of its source files has changed. It lives beside
// the sources (cli/.build/, ignored by git) so that Node resolves the packages it imports from
// the workspace's node_modules.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const outdir = `${cliRoot}.build`;
const manifestPath = `${outdir}/bundle.json`;
const STALE_BUNDLE_MS = 60_000;

/** The library's public entries, mapped to their sources. */
const LIBRARY_ENTRIES = {
  'apig-signer': `${repositoryRoot}lib/index.ts`,
  'apig-signer/cognito': `${repositoryRoot}lib/cognito/index.ts`,
  'apig-signer/testing': `${repositoryRoot}lib/testing/index.ts`,
};

const libraryFromSource = {
  name: 'apig-signer-from-source',
  setup(build) {
    build.onResolve({ filter: /^apig-signer(\/cognito|\/testing)?$/ }, (args) => ({
      path: LIBRARY_ENTRIES[args.path],
    }));
    // Every other package import stays an import, resolved by Node at run time.
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path in LIBRARY_ENTRIES ? undefined : { path: args.path, external: true },
    );
  },
};

function fingerprint(path) {
  const stat = statSync(path);
  return `${stat.mtimeMs}:${stat.size}`;
}

/** The bundle of an earlier run, if every file it was made from is unchanged. */
function reusableBundle() {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const [path, print] of Object.entries(manifest.inputs)) {
      if (fingerprint(path) !== print) return undefined;
    }
    statSync(manifest.bundle);
    return manifest.bundle;
  } catch {
    return undefined;
  }
}

function removeOldBundles(keep) {
  for (const name of readdirSync(outdir)) {
    const path = `${outdir}/${name}`;
    if (keep.startsWith(`${path}/`) || !name.startsWith('build-')) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_BUNDLE_MS) {
        rmSync(path, { recursive: true, force: true });
      }
    } catch {
      // Removed by another run meanwhile.
    }
  }
}

/** Bundles the command (or reuses the bundle) and returns the URL to import. */
export async function bundleFromSource() {
  const reusable = reusableBundle();
  if (reusable !== undefined) return pathToFileURL(reusable).href;

  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write(
      'apig-signer: running from a clone needs its development dependencies: run npm ci in the repository\n',
    );
    process.exit(1);
  }
  mkdirSync(outdir, { recursive: true });
  const buildDir = `${outdir}/build-${process.pid}-${Date.now()}`;
  const bundle = `${buildDir}/apig-signer.mjs`;
  const result = await esbuild.build({
    entryPoints: { 'apig-signer': `${cliRoot}src/main.ts` },
    outdir: buildDir,
    // Split at dynamic imports, as the published build: --help loads no package.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    metafile: true,
    plugins: [libraryFromSource],
    // CommonJS packages imported from an ES module bundle need a `require`.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(input);
    inputs[path] = fingerprint(path);
  }
  // Written whole, then renamed: a run reading it meanwhile sees the old manifest or the new.
  const temporary = `${manifestPath}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ bundle, inputs }));
  renameSync(temporary, manifestPath);
  removeOldBundles(bundle);
  return pathToFileURL(bundle).href;
}
