// What package.json's `browser` field does for the published files (dist/axios/serverRedirects →
// dist/axios/browserRedirects, dist/cognito/nodeProxy → dist/cognito/noProxy), done for the
// sources that `npm run size` and `npm run test:browser` bundle: browsers get the stand-ins, as
// they do from the package.
import { fileURLToPath } from 'node:url';

const STAND_INS = [
  [/^\.\/serverRedirects$/, '../../lib/axios/browserRedirects.ts'],
  [/^\.\/nodeProxy$/, '../../lib/cognito/noProxy.ts'],
];

export const browserFieldForSources = {
  name: 'browser-field-for-sources',
  setup(build) {
    for (const [filter, standIn] of STAND_INS) {
      build.onResolve({ filter }, () => ({
        path: fileURLToPath(new URL(standIn, import.meta.url)),
      }));
    }
  },
};
