#!/usr/bin/env node
// The `apig-signer` command. The published package runs dist/launch.mjs (src/launch.ts), which
// starts one of the two builds in dist/, built by `npm pack`/`npm publish` (prepack). In a clone
// of the repository (src/ is there, and src/ is not published) the command is bundled from the
// current sources of the CLI and of the library on each run, so `npx apig-signer` works right
// after `npm ci`, with no build step and nothing stale; see scripts/fromSource.mjs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (existsSync(new URL('../src/main.ts', import.meta.url))) {
  const { run } = await import(
    await (await import('../scripts/fromSource.mjs')).bundleFromSource()
  );
  await run();
} else {
  const { launch } = await import('../dist/launch.mjs');
  await launch(fileURLToPath(new URL('../dist/', import.meta.url)));
}
