// Installs one package from the npm registry into a folder of its own (axios versions for the
// axios axis, runtimes for the runtime matrix), without touching the repository's lockfile.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function npmInstallInto(dir, spec) {
  mkdirSync(dir, { recursive: true });
  // An empty manifest makes the folder its own project: npm installs there, not in the
  // workspace root above it.
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{}\n');
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--prefix',
      dir,
      spec,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (npm.status !== 0) throw new Error(`npm install ${spec} failed`);
}
