// npm run check:package (after npm run build): the command as published, dist/apig-signer.mjs
// importing the built library (dist/ of the repository, through the workspace link) rather than
// the sources. Runs --help, and a request that the library itself must refuse (no region).
import { readFileSync } from 'node:fs';

const { main } = await import('../dist/apig-signer.mjs');

async function run(argv) {
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
const help = await run(['--help']);
if (help.code !== 0 || !help.output.startsWith('Usage: apig-signer [options] <url>')) {
  failures.push(`--help: exit ${help.code}: ${help.output.slice(0, 80)}`);
}
const version = await run(['--version']);
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
if (version.output !== `${manifest.version}\n`) failures.push(`--version: ${version.output}`);
const noRegion = await run(['https://api.example.com/notes']);
if (noRegion.code !== 2 || !noRegion.output.includes('no region for host api.example.com')) {
  failures.push(`no region: exit ${noRegion.code}: ${noRegion.output}`);
}
if (failures.length > 0) {
  console.error(`apig-signer-cli dist: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('apig-signer-cli dist: --help, --version and the library import work');
process.exit(0);
