import { resolve } from 'node:path';

import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

/**
 * What package.json's `browser` field does for the published files (dist/axios/serverRedirects →
 * browserRedirects, dist/cognito/nodeProxy → noProxy), done for the sources bundled here:
 * browsers get the stand-ins.
 */
const browserFieldForSources: Plugin = {
  name: 'browser-field-for-sources',
  setup(b) {
    b.onResolve({ filter: /^\.\/serverRedirects$/ }, () => ({
      path: resolve('lib/axios/browserRedirects.ts'),
    }));
    b.onResolve({ filter: /^\.\/nodeProxy$/ }, () => ({ path: resolve('lib/cognito/noProxy.ts') }));
  },
};

/**
 * Bundles `contents` (resolved from the repository root, axios included) for the browser
 * platform as one script, the way an app's bundler would. Returns the code and every Node
 * built-in it pulled in (none is allowed where the bundle is meant to run). Modules that
 * package.json's `browser` field swaps are swapped here too.
 */
export async function bundleForBrowser(
  contents: string,
): Promise<{ code: string; nodeImports: string[] }> {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [browserFieldForSources],
  });
  return {
    code: result.outputFiles[0]!.text,
    nodeImports: Object.keys(result.metafile.inputs).filter((input) => input.startsWith('node:')),
  };
}
