// Builds dist/apig-signer.mjs for the published package: cli/src bundled, every package it
// imports (apig-signer, axios, the AWS SDK, the Cognito packages) left as imports, resolved from
// the user's node_modules like any dependency.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
  outfile: new URL('../dist/apig-signer.mjs', import.meta.url).pathname,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // cli/tsconfig.json maps these to the library's sources for type-checking; the published
  // command imports the published library.
  external: ['apig-signer', 'apig-signer/cognito'],
  logLevel: 'warning',
});
