import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'lib/index.ts', 'testing/index': 'lib/testing/index.ts' },
  format: ['esm', 'cjs'],
  outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.cjs' }),
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'es2022',
  platform: 'neutral',
  external: ['axios', /^node:/],
  splitting: false,
  sourcemap: true,
  clean: true,
  treeshake: true,
});
