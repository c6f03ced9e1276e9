#!/usr/bin/env node
// The `apig-signer` command. The published package runs dist/apig-signer.mjs, built by
// `npm pack`/`npm publish` (prepack). In a clone of the repository (src/ is there, and src/ is
// not published) the command is bundled from the current sources of the CLI and of the library
// on each run, so `npx apig-signer` works right after `npm ci`, with no build step and nothing
// stale; see scripts/fromSource.mjs.
import { existsSync } from 'node:fs';

const source = new URL('../src/main.ts', import.meta.url);
const entry = existsSync(source)
  ? await (await import('../scripts/fromSource.mjs')).bundleFromSource()
  : new URL('../dist/apig-signer.mjs', import.meta.url).href;
const { run } = await import(entry);
await run();
