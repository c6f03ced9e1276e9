// npm run test:bundlers: a web app that imports `apig-signer/cognito` works with each bundler's
// defaults. Packs the built package, installs the tarball and the bundlers into .bundlers/
// (ignored by git; the bundlers are not project dependencies), builds browser/app/ with Vite 8,
// Vite 7 and esbuild without any configuration (no `define`, no polyfills), then loads each
// build in Chromium (Debian's, driven by playwright-core), signs in against the Cognito emulator
// and calls the SigV4 gateway. Any page error, console error or refused request fails the run.
// Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { checkList } from './lib/checks.mjs';
import { launchChromium, pageConfig } from './lib/chromium.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startCognitoEmulator, startSigV4Gateway } = await import('apig-signer/testing');

const ROOT = process.cwd();
const WORK = join(ROOT, '.bundlers');
/** Exact versions, so a bundler release changes this file, not the result. Vite 8 needs npm 11. */
const BUNDLERS = { vite8: 'npm:vite@8.3.8', vite7: 'npm:vite@7.3.8', esbuild: '0.27.7' };

const { check, summary } = checkList();
const installedVersion = (name) =>
  JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

// 1. The package as users get it, and the peers at the versions this project tests.
mkdirSync(WORK, { recursive: true });
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', WORK], { encoding: 'utf8' }),
);
writeFileSync(
  join(WORK, 'package.json'),
  `${JSON.stringify(
    {
      private: true,
      description: 'Written by scripts/bundler-test.mjs: an app built from the packed tarball.',
      dependencies: {
        'apig-signer': `file:./${packed.filename}`,
        axios: installedVersion('axios'),
        '@aws-sdk/credential-provider-cognito-identity': installedVersion(
          '@aws-sdk/credential-provider-cognito-identity',
        ),
        ...BUNDLERS,
      },
    },
    null,
    2,
  )}\n`,
);
// A fresh tarball each run: npm would keep the one it unpacked before under the same name.
rmSync(join(WORK, 'node_modules', 'apig-signer'), { recursive: true, force: true });
rmSync(join(WORK, 'package-lock.json'), { force: true });
execFileSync(
  'npm',
  ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
  { cwd: WORK, stdio: 'inherit' },
);

// 2. Build the same app three ways, each with its defaults.
const APP = join(WORK, 'app');
rmSync(APP, { recursive: true, force: true });
cpSync(join(ROOT, 'browser', 'app'), APP, { recursive: true });
const OUT = join(WORK, 'out');
rmSync(OUT, { recursive: true, force: true });

const importFrom = (name, file) =>
  import(pathToFileURL(join(WORK, 'node_modules', name, file)).href);
const viteBuild = async (name) => {
  const vite = await importFrom(name, 'dist/node/index.js');
  await vite.build({
    root: APP,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: join(OUT, name), emptyOutDir: true },
  });
  return vite.version;
};
const builds = {
  vite8: () => viteBuild('vite8'),
  vite7: () => viteBuild('vite7'),
  // `esbuild main.js --bundle --outdir=…`: esbuild's defaults for the browser (an IIFE).
  esbuild: async () => {
    const esbuild = await importFrom('esbuild', 'lib/main.js');
    await esbuild.build({
      entryPoints: [join(APP, 'main.js')],
      bundle: true,
      outdir: join(OUT, 'esbuild'),
      logLevel: 'warning',
    });
    writeFileSync(
      join(OUT, 'esbuild', 'index.html'),
      readFileSync(join(APP, 'index.html'), 'utf8').replace(
        '<script type="module" src="/main.js"></script>',
        '<script src="/main.js"></script>',
      ),
    );
    return esbuild.version;
  },
};
const built = [];
for (const [name, run] of Object.entries(builds)) {
  try {
    const version = await run();
    check(true, `${name} ${version} builds the app`);
    built.push(name);
  } catch (error) {
    check(false, `${name} builds the app`, error.message);
  }
}

// 3. Load each build in Chromium: sign in, call the API, no page error.
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const [, name, ...rest] = new URL(req.url, 'http://x').pathname.split('/');
  const file = join(OUT, name ?? '', rest.join('/') || 'index.html');
  if (!built.includes(name) || !file.startsWith(OUT) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': `${TYPES[extname(file)] ?? 'application/octet-stream'}; charset=utf-8`,
  });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const gateway = await startSigV4Gateway({ credentials: [], cors: true });
const user = { username: 'bundled-app-user', password: 'correct horse battery' };
const cognito = await startCognitoEmulator({ users: [user], gateways: [gateway] });
const config = pageConfig(gateway, cognito, user);

const chromiumInstance = await launchChromium('bundlers');
const browser = chromiumInstance.context;
try {
  for (const name of built) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
    });
    // Each app's base path is `/`: serve it from its own folder on the page server.
    await page.route(`${origin}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      return route.continue({ url: `${origin}/${name}${path === '/' ? '/index.html' : path}` });
    });
    const before = gateway.requests.length;
    try {
      await page.goto(`${origin}/?config=${encodeURIComponent(JSON.stringify(config))}`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 15_000 });
      const result = await page.evaluate(() => globalThis.signInAndCall());
      const requests = gateway.requests.slice(before).filter((r) => r.method !== 'OPTIONS');
      check(
        result.username === user.username && result.challenge === null,
        `${name}: signs in with SRP against the Cognito emulator`,
        JSON.stringify(result),
      );
      check(
        result.status === 200 && requests.length === 1 && requests[0].verdict.accepted,
        `${name}: the signed call is accepted by the gateway`,
        JSON.stringify(requests.map((r) => r.verdict)),
      );
    } catch (error) {
      check(false, `${name}: the app runs`, errors.join(' | ') || error.message);
    }
    check(errors.length === 0, `${name}: no page or console error`, errors.join(' | '));
    await page.close();
  }
} finally {
  await chromiumInstance.close();
  await cognito.close();
  await gateway.close();
  server.close();
}

const allPassed = summary('bundlers');
process.exitCode = allPassed && built.length === Object.keys(builds).length ? 0 : 1;
