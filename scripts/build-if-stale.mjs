// `node scripts/build-if-stale.mjs <who>`: builds dist/ for a script that runs the built package
// (npm run demo), and says so, since the first build takes about 40 s without output of its own.
// Skips the build when dist/ is newer than everything it is built from (a second demo starts at
// once); a changed, added or removed file under lib/ makes it stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const who = process.argv[2] ?? 'build';
const OUTPUTS = ['dist/index.mjs', 'dist/cognito/index.mjs', 'dist/testing/index.mjs'];
const INPUTS = ['lib', 'tsup.config.ts', 'tsconfig.build.json', 'package.json'];

/** The newest modification time under `path` (directories count: a removed file changes them). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const fresh =
  OUTPUTS.every((path) => existsSync(path)) &&
  Math.min(...OUTPUTS.map((path) => statSync(path).mtimeMs)) > Math.max(...INPUTS.map(newest));
if (fresh) {
  console.log(`${who}: dist/ is up to date with lib/, not rebuilding.`);
} else {
  const started = Date.now();
  console.log(
    `${who}: building apig-signer into dist/ first (ESM, CommonJS and type declarations, with tsup; about 40 s on 2 cores)…`,
  );
  execFileSync('npx', ['tsup', '--silent'], { stdio: 'inherit' });
  console.log(`${who}: built in ${Math.round((Date.now() - started) / 1000)} s.`);
}
