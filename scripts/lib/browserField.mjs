// What package.json's `browser` field does for the published files
// (dist/axios/serverRedirects → dist/axios/browserRedirects), done for the sources that
// `npm run size` and `npm run test:browser` bundle: browsers get the stand-in, as they do from
// the package.
import { fileURLToPath } from 'node:url';

export const browserFieldForSources = {
  name: 'browser-field-for-sources',
  setup(build) {
    build.onResolve({ filter: /^\.\/serverRedirects$/ }, () => ({
      path: fileURLToPath(new URL('../../lib/axios/browserRedirects.ts', import.meta.url)),
    }));
  },
};
