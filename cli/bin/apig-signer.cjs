#!/usr/bin/env node
// The `apig-signer` command. The published package runs dist/launch.cjs (src/launch.ts), which
// starts one of the two builds in dist/, built by `npm pack`/`npm publish` (prepack). CommonJS,
// like the launcher and the one-file build it usually starts: an ES module entry would set up
// Node's ES module loader first, a measurable part of a signed call's start-up.
//
// In a clone of the repository (src/ is there, and src/ is not published) the command is
// bundled from the current sources of the CLI and of the library on each run, so
// `npx apig-signer` works right after `npm ci`, with no build step and nothing stale; see
// scripts/fromSource.mjs.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, '../src/main.ts'))) {
  void import('../scripts/fromSource.mjs').then(async ({ bundleFromSource }) => {
    const { run } = await import(await bundleFromSource());
    await run();
  });
} else {
  void require('../dist/launch.cjs').launch(join(__dirname, '../dist/'));
}
