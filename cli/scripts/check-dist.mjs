// npm run check:package (after npm run build): the command as published, both builds: the
// modules build (dist/apig-signer.mjs, importing the built library of the repository through the
// workspace link) and the one-file build (dist/apig-signer.cjs, the library bundled in), and the
// launcher's choice between them. Runs --help, --version, and a request that the library itself
// must refuse (no region).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const require = createRequire(import.meta.url);
const builds = {
  modules: await import('../dist/apig-signer.mjs'),
  'one-file': require('../dist/apig-signer.cjs'),
};
const { chooseBuild } = require('../dist/launch.cjs');

async function run(main, argv) {
  const written = [];
  const sink = {
    write(data, callback) {
      written.push(String(data));
      callback?.();
      return true;
    },
  };
  const code = await main({
    argv,
    env: {},
    stdin: process.stdin,
    stdout: sink,
    stderr: sink,
    openTerminal: () => undefined,
  });
  return { code, output: written.join('') };
}

const failures = [];
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const [name, { main }] of Object.entries(builds)) {
  const help = await run(main, ['--help']);
  if (help.code !== 0 || !help.output.startsWith('Usage: apig-signer [options] <url>')) {
    failures.push(`${name} --help: exit ${help.code}: ${help.output.slice(0, 80)}`);
  }
  const version = await run(main, ['--version']);
  if (version.output !== `${manifest.version}\n`)
    failures.push(`${name} --version: ${version.output}`);
  const noRegion = await run(main, ['https://api.example.com/notes']);
  if (noRegion.code !== 2 || !noRegion.output.includes('no region for host api.example.com')) {
    failures.push(`${name} no region: exit ${noRegion.code}: ${noRegion.output}`);
  }
}
// The workspace link holds the library the one-file build carries: the launcher picks it.
const chosen = chooseBuild(dist, ['https://api.example.com/notes']);
if (chosen.kind !== 'one-file')
  failures.push(`the launcher picks the modules build: ${chosen.reason}`);
if (failures.length > 0) {
  console.error(`apig-signer-cli dist: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(
  'apig-signer-cli dist: --help, --version and the library work in both builds; the launcher picks the one-file build',
);
process.exit(0);
