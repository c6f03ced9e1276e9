// prepublishOnly: the CLI must depend on the library by a version range from the registry
// (never `file:`, `link:` or a path, which a published package cannot resolve), and that range
// must start at the library version of this clone, so the CLI is tested with what it asks for.
import { readFileSync } from 'node:fs';

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const range = read('../package.json').dependencies?.['apig-signer'] ?? '';
const library = read('../../package.json').version;
if (range !== `^${library}`) {
  console.error(
    `apig-signer-cli depends on apig-signer@${range || '(nothing)'}: it must be ^${library} (the library of this clone); run npm pkg set dependencies.apig-signer=^${library} -w apig-signer-cli, then npm install`,
  );
  process.exit(1);
}
