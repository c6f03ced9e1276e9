// Builds dist/apig-signer.mjs for the published package: cli/src bundled, every package it
// imports (apig-signer, axios, the AWS SDK, the Cognito packages) left as imports, resolved from
// the user's node_modules like any dependency.
import { rmSync } from 'node:fs';

import { build } from 'esbuild';

// No chunk of an earlier build left behind.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { 'apig-signer': new URL('../src/main.ts', import.meta.url).pathname },
  outdir: new URL('../dist', import.meta.url).pathname,
  // Split at dynamic imports: --help loads main's chunk only, not the request path's packages.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // cli/tsconfig.json maps these to the library's sources for type-checking; the published
  // command imports the published library.
  external: ['apig-signer', 'apig-signer/cognito', 'apig-signer/testing'],
  logLevel: 'warning',
});
