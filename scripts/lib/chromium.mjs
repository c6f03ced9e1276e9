// What scripts/browser-test.mjs and scripts/bundler-test.mjs share: Debian's Chromium, started
// as this workplace needs it, and the settings a test page gets for the local gateway and the
// Cognito emulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium with a fresh profile. Without the background-networking flags it keeps
 * trying Google's hosts, which this closed network refuses. `close()` also removes the profile.
 */
export async function launchChromium(name, extraArgs = []) {
  const userDataDir = mkdtempSync(join(tmpdir(), `apig-signer-${name}-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What a test page needs to sign in against `cognito` and call `gateway`. */
export function pageConfig(gateway, cognito, user) {
  return {
    apiUrl: `${gateway.url}/prod`,
    cognitoUrl: cognito.url,
    region: cognito.region,
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    identityPoolId: cognito.identityPoolId,
    ...user,
  };
}
