// prepublishOnly: in the repository the CLI depends on the library in the same clone
// (`file:..`), which a published package cannot. Publish apig-signer first, then point the
// dependency at the released version, for example:
//   npm pkg set dependencies.apig-signer=^0.2.0 -w apig-signer-cli
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const range = manifest.dependencies?.['apig-signer'] ?? '';
if (range.startsWith('file:')) {
  console.error(
    `apig-signer-cli depends on apig-signer@${range} (this clone): publish apig-signer, then run npm pkg set dependencies.apig-signer=^<version> -w apig-signer-cli`,
  );
  process.exit(1);
}
