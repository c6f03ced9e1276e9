// Node's `global` for browsers, before amazon-cognito-identity-js loads: its `buffer` dependency
// reads `global` as it loads, and only some bundlers rewrite that name (webpack, Vite 7's
// CommonJS plugin); Vite 8 and esbuild leave it, and the page dies with "global is not defined".
// index.ts imports this module first, the build keeps it a file of its own (tsup.config.ts), so
// it runs before the Cognito packages, and package.json lists it in `sideEffects`, so bundlers
// keep an import that exports nothing. Where `global` exists (Node, webpack) it does nothing.
const scope = globalThis as { global?: unknown };
if (scope.global === undefined) scope.global = globalThis;

export {};
