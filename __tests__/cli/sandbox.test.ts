import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { build } from 'esbuild';

import { CLI_BIN, cleanEnv, emptyHome } from '../helpers/cli';

const ROOT = join(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/**
 * The first try docs/cli.md walks: `apig-signer sandbox` in one terminal, the lines it prints
 * pasted into another, as written (run by sh, with `apig-signer` on the PATH); and the settings
 * it prints for `npm run demo`'s app, with which the demo runs against the sandbox.
 */
let home: string;
let cleanup: () => void;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  ({ home, cleanup } = emptyHome());
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(CLI_BIN, join(bin, 'apig-signer'));
  const base = cleanEnv(home);
  env = { ...base, PATH: `${bin}:${base['PATH'] ?? ''}` };
});
afterAll(() => cleanup());

/** The indented lines under a heading of the sandbox's output, up to the next blank line. */
function block(output: string, heading: string): string {
  const after = output.slice(output.indexOf(heading) + heading.length).replace(/^\n+/, '');
  return after
    .split('\n\n')[0]!
    .split('\n')
    .map((line) => line.trim())
    .join('\n');
}

/** The sandbox, started once: its output up to the last block it prints. */
let sandbox: ChildProcess;
let output = '';

/**
 * examples/demo.mjs as `npm run demo` runs it, but with the library bundled from lib/ instead of
 * dist/ (npm run demo builds dist/ first: tens of seconds). Written beside the demo, so that its
 * own relative paths (the CLI's bin) and the repository's node_modules resolve as they do there.
 */
const DEMO_FROM_SOURCE = join(ROOT, 'examples', `.demo-from-source-${process.pid}.mjs`);

beforeAll(async () => {
  sandbox = spawn(process.execPath, [CLI_BIN, 'sandbox'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    sandbox.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('  npm run demo\n')) resolve();
    });
    sandbox.on('close', (code) => reject(new Error(`sandbox exited ${code}: ${output}`)));
  });
  const library = {
    'apig-signer': join(ROOT, 'lib/index.ts'),
    'apig-signer/cognito': join(ROOT, 'lib/cognito/index.ts'),
    'apig-signer/testing': join(ROOT, 'lib/testing/index.ts'),
  };
  await build({
    entryPoints: [join(ROOT, 'examples/demo.mjs')],
    outfile: DEMO_FROM_SOURCE,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'apig-signer-from-source',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^apig-signer(\/cognito|\/testing)?$/ }, (args) => ({
            path: library[args.path as keyof typeof library],
          }));
          esbuild.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path in library ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
}, 30_000);

afterAll(() => {
  rmSync(DEMO_FROM_SOURCE, { force: true });
  sandbox.kill('SIGKILL');
});

describe('apig-signer sandbox', () => {
  const run = promisify(execFile);

  it('prints commands that work as pasted, for the demo user and for keys', async () => {
    const asUser = block(output, 'In another terminal, as the demo user:');
    expect(asUser).toMatch(/^export APIG_SIGNER_PASSWORD=\S+\napig-signer --user-pool-id /);
    const user = await run('sh', ['-c', asUser], { env });
    const echo = JSON.parse(user.stdout) as { method: string; body: string };
    expect(echo.method).toBe('POST');
    // The gateway echoes the body base64-encoded.
    expect(Buffer.from(echo.body, 'base64').toString()).toBe('{"content":"hello"}');

    const withKeys = block(output, "Or with the gateway's keys, as an AWS profile would sign:");
    const keys = await run('sh', ['-c', withKeys], { env });
    expect(JSON.parse(keys.stdout)).toMatchObject({ method: 'GET', path: '/prod/notes' });
  }, 30_000);

  it("prints the settings for npm run demo's app: with them it signs in, and every call gets a 200", async () => {
    const demo = block(
      output,
      "For npm run demo's app (examples/notes-client.mjs), in a clone of apig-signer:",
    );
    const lines = demo.split('\n');
    expect(lines.at(-1)).toBe('npm run demo');
    expect(packageJson.scripts.demo).toBe(
      'node scripts/build-if-stale.mjs demo && node examples/demo.mjs',
    );
    // The printed lines as pasted, `npm run demo` standing for the demo from the sources.
    const script = [...lines.slice(0, -1), `exec node ${DEMO_FROM_SOURCE}`].join('\n');
    const { stdout } = await run('sh', ['-c', script], { env, cwd: ROOT });
    expect(stdout).toContain(' (live)\n');
    // The sandbox's gateway answers an unsigned request 403: a 200 is a signature it accepted.
    for (const call of [
      'GET /notes?q=two words&tags[]=a&tags[]=b',
      'POST /notes {"content":"héllo"}',
      'PUT /notes/1 (binary)',
      'DELETE /notes/1',
    ]) {
      expect(stdout).toContain(`  ✓ ${call}: HTTP 200;`);
    }
    expect(stdout).toMatch(/ {2}✓ apig-signer --username demo .*: exit 0/);
    expect(stdout).toMatch(/All steps succeeded\.\n$/);
  }, 60_000);

  it('stops on Ctrl-C, with exit 0', async () => {
    const exited = new Promise<number | null>((resolve) => sandbox.once('exit', resolve));
    sandbox.removeAllListeners('close');
    sandbox.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
