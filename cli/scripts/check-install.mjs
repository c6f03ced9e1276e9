// CI: the command as users get it. Packs the library and the CLI (npm pack, as published),
// installs both tarballs into a fresh prefix outside the repository (npm install --global
// --prefix), then runs the installed `apig-signer`, and `npm exec` of the two tarballs, against
// a local gateway started from the *installed* library (apig-signer/testing). Each call must be
// signed and accepted. Run from the repository root: node cli/scripts/check-install.mjs
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'apig-signer-install-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const KEYS = { accessKeyId: 'AKIDINSTALLCHECK', secretAccessKey: 'install-check-secret' };

function npmRun(args, cwd) {
  execFileSync(npm, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

function fail(message) {
  console.error(`check-install: ${message}`);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

let gateway;
let cognito;
const COGNITO_PASSWORD = 'install check password';
try {
  npmRun(['run', 'build', '--silent'], root);
  npmRun(['pack', '--silent', '--pack-destination', work], root);
  npmRun(['pack', '--silent', '-w', 'apig-signer-cli', '--pack-destination', work], root);
  const { version } = createRequire(import.meta.url)(join(root, 'package.json'));
  const cliVersion = createRequire(import.meta.url)(join(root, 'cli/package.json')).version;
  const tarballs = [
    join(work, `apig-signer-${version}.tgz`),
    join(work, `apig-signer-cli-${cliVersion}.tgz`),
  ];

  const prefix = join(work, 'prefix');
  // Outside the repository (cwd and prefix in the temporary folder): nothing resolves from the
  // clone's node_modules.
  npmRun(['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', ...tarballs], work);
  const installedLibrary = join(prefix, 'lib/node_modules/apig-signer');
  const { startSigV4Gateway, startCognitoEmulator } = await import(
    pathToFileURL(join(installedLibrary, 'dist/testing/index.mjs')).href
  );
  gateway = await startSigV4Gateway({ credentials: [KEYS] });
  cognito = await startCognitoEmulator({
    users: [{ username: 'installer', password: COGNITO_PASSWORD }],
    gateways: [gateway],
  });

  const env = {
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    HOME: work,
    XDG_CACHE_HOME: join(work, 'cache'),
    npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? work, '.npm'),
    AWS_CONFIG_FILE: join(work, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
  };
  const callArgs = ['--region', 'us-east-1', '-sS', '-f', '--json', '{"from":"install"}'];
  const ways = {
    'the installed bin': ['apig-signer', [...callArgs, `${gateway.url}/prod/installed`]],
    'npm exec of the tarballs': [
      npm,
      [
        'exec',
        '--yes',
        ...tarballs.map((tarball) => `--package=${tarball}`),
        '--',
        'apig-signer',
        ...callArgs,
        `${gateway.url}/prod/exec`,
      ],
    ],
  };
  for (const [way, [command, args]] of Object.entries(ways)) {
    const before = gateway.requests.length;
    // Asynchronously: the gateway answers from this process's event loop.
    const result = await promisify(execFile)(command, args, { cwd: work, env }).then(
      () => ({ code: 0, stderr: '' }),
      (error) => ({ code: error.code, stderr: String(error.stderr) }),
    );
    const received = gateway.requests.slice(before);
    if (result.code !== 0) fail(`${way}: exit ${result.code}: ${result.stderr.trim()}`);
    if (received.length !== 1 || !received[0].verdict.accepted) {
      fail(`${way}: the gateway did not accept one signed call (${received.length} received)`);
    }
    if (received[0].body.toString('utf8') !== '{"from":"install"}') fail(`${way}: wrong body`);
    // Only the one-file build keeps a code cache: the launcher ran it, so it carries the very
    // library version installed beside it.
    const cached = existsSync(join(work, 'cache/apig-signer/code-cache'))
      ? readdirSync(join(work, 'cache/apig-signer/code-cache'))
      : [];
    if (cached.length !== 1) fail(`${way}: the one-file build did not run (no code cache kept)`);
  }
  // The credentials that load packages of their own (the AWS SDK for a profile, the library's
  // apig-signer/cognito), each twice: the one-file build then runs from its code cache.
  writeFileSync(join(work, 'config'), '[profile installed]\nregion = us-east-1\n');
  writeFileSync(
    join(work, 'credentials'),
    `[installed]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`,
  );
  const noKeys = Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !name.startsWith('AWS_ACCESS_KEY_ID') && !name.startsWith('AWS_SECRET'),
    ),
  );
  const sources = {
    'a profile (the AWS SDK)': [
      ['--profile', 'installed'],
      {
        ...noKeys,
        AWS_CONFIG_FILE: join(work, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
      },
    ],
    'a Cognito user (apig-signer/cognito)': [
      [
        ...['--user-pool-id', cognito.userPoolId, '--client-id', cognito.clientId],
        ...['--identity-pool-id', cognito.identityPoolId, '--username', 'installer'],
        ...['--cognito-endpoint', cognito.url, '--no-session-cache'],
      ],
      { ...noKeys, APIG_SIGNER_PASSWORD: COGNITO_PASSWORD },
    ],
  };
  for (const [source, [args, sourceEnv]] of Object.entries(sources)) {
    for (const round of ['first', 'second']) {
      const before = gateway.requests.length;
      const result = await promisify(execFile)(
        'apig-signer',
        [...args, '--region', 'us-east-1', '-sS', '-f', `${gateway.url}/prod/${round}`],
        { cwd: work, env: sourceEnv },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (error) => ({ code: error.code, stderr: String(error.stderr) }),
      );
      if (result.code !== 0)
        fail(`${source}, ${round} run: exit ${result.code}: ${result.stderr.trim()}`);
      const received = gateway.requests.slice(before);
      if (received.length !== 1 || !received[0].verdict.accepted) {
        fail(`${source}, ${round} run: the gateway did not accept one signed call`);
      }
    }
  }
  console.log(
    'check-install: the packed apig-signer-cli, installed with the packed library, signs calls the gateway accepts (bin and npm exec; keys, a profile, a Cognito user)',
  );
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  await cognito?.close();
  await gateway?.close();
}
rmSync(work, { recursive: true, force: true });
process.exit(0);
