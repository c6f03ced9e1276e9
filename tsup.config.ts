import { resolve } from 'node:path';

import { defineConfig } from 'tsup';
import type { Plugin } from 'esbuild';

const MAIN_ENTRY = resolve('lib/index.ts');

/**
 * The subpath entries import the main entry from the package itself (`apig-signer`) instead of
 * bundling a second copy: one copy of each class, so `instanceof ApigSignerError` holds for
 * errors from `apig-signer/cognito` too.
 */
const mainAsExternal: Plugin = {
  name: 'main-entry-as-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/index$|^\.\.$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (
        target === resolve('lib/index') ||
        `${target}.ts` === MAIN_ENTRY ||
        target === resolve('lib')
      ) {
        return { path: 'apig-signer', external: true };
      }
      return undefined;
    });
  },
};

/**
 * The cognito entry's Node-only module, `./nodeProxy` (proxies from the environment), stays a
 * file of its own, so package.json's `browser` field can map it to `./noProxy` (the same
 * exports, doing nothing) for browser bundles.
 */
const outputFormats = new WeakMap<object, string>();
const nodeProxyAsFile: Plugin = {
  name: 'cognito-node-proxy-as-file',
  setup(build) {
    // esbuild emits ESM for both outputs (tsup converts to CommonJS afterwards): the format
    // comes from tsup's `esbuildOptions` hook below.
    const extension = outputFormats.get(build.initialOptions) === 'cjs' ? 'cjs' : 'mjs';
    build.onResolve({ filter: /^\.\/nodeProxy$/ }, (args) =>
      resolve(args.resolveDir) === resolve('lib/cognito') &&
      resolve(args.importer) !== resolve('lib/cognito/nodeProxy.ts')
        ? { path: `./nodeProxy.${extension}`, external: true }
        : undefined,
    );
  },
};

export default defineConfig({
  entry: {
    index: 'lib/index.ts',
    'testing/index': 'lib/testing/index.ts',
    'cognito/index': 'lib/cognito/index.ts',
    'cognito/nodeProxy': 'lib/cognito/nodeProxy.ts',
    'cognito/noProxy': 'lib/cognito/noProxy.ts',
  },
  format: ['esm', 'cjs'],
  outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.cjs' }),
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'es2022',
  platform: 'neutral',
  external: ['axios', /^node:/],
  esbuildPlugins: [mainAsExternal, nodeProxyAsFile],
  esbuildOptions(options, { format }) {
    outputFormats.set(options, format);
  },
  splitting: false,
  sourcemap: true,
  clean: true,
  treeshake: true,
});
