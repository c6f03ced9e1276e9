// Builds dist/ for the published package, two builds of cli/src and the launcher that picks one
// (src/launch.ts → dist/launch.cjs, run by bin/apig-signer.cjs):
// - the one-file build, dist/apig-signer.cjs: the command with `apig-signer` and axios (with its
//   own dependencies) bundled in, one CommonJS file that V8's code cache keeps compiled, for a
//   start-up near Node's own. The AWS SDK, `apig-signer/cognito` and `apig-signer/testing` stay
//   imports, loaded from node_modules when a profile, a Cognito user or the sandbox needs them.
//   dist/one-file.json names the library version it carries: the launcher runs it only when
//   that is the installed `apig-signer`.
// - the modules build, dist/apig-signer.mjs: every package left as an import, resolved from the
//   user's node_modules like any dependency; run when the installed library is another version.
import { rmSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { build } from 'esbuild';

const dist = new URL('../dist', import.meta.url).pathname;
const source = (path) => new URL(`../src/${path}`, import.meta.url).pathname;
// A large JSON file (mime-db's, through axios → form-data) bundled as a JSON.parse of one string
// rather than as an object literal: V8 parses JSON faster than the same data as code, and the
// code cache holds one string instead of the bytecode that builds each object.
const jsonParsed = {
  name: 'json-parsed',
  setup(builder) {
    builder.onLoad({ filter: /\.json$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return {
        contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(text)))});`,
        loader: 'js',
      };
    });
  },
};
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

// No chunk of an earlier build left behind.
rmSync(dist, { recursive: true, force: true });

await build({
  ...common,
  entryPoints: { 'apig-signer': source('main.ts') },
  outdir: dist,
  // Split at dynamic imports: --help loads main's chunk only, not the request path's packages.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  packages: 'external',
  // cli/tsconfig.json maps these to the library's sources for type-checking; the published
  // command imports the published library.
  external: ['apig-signer', 'apig-signer/cognito', 'apig-signer/testing'],
});

// The library as the workspace link resolves it: its built dist/, what `npm pack` publishes.
const requireFromCli = createRequire(new URL('../package.json', import.meta.url));
let library;
try {
  requireFromCli.resolve('apig-signer');
  library = JSON.parse(readFileSync(requireFromCli.resolve('apig-signer/package.json'), 'utf8'));
} catch {
  console.error('build: the library is not built: run npm run build in the repository first');
  process.exit(1);
}
await build({
  ...common,
  entryPoints: { 'apig-signer': source('main.ts') },
  outdir: dist,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // import() of those, as require(): V8 drops a script's dynamic-import callback for functions
  // it takes from a code cache ("A dynamic import callback was not specified").
  supported: { 'dynamic-import': false },
  plugins: [jsonParsed],
  // Loaded only for what needs them; bundling them would slow every other start.
  external: ['@aws-sdk/*', 'apig-signer/cognito', 'apig-signer/testing'],
});
writeFileSync(
  `${dist}/one-file.json`,
  `${JSON.stringify({ file: 'apig-signer.cjs', library: library.version }, null, 2)}\n`,
);

// CommonJS, as bin/apig-signer.cjs, which requires it.
await build({
  ...common,
  entryPoints: { launch: source('launch.ts') },
  outdir: dist,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
});
