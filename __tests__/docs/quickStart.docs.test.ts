/**
 * The README's Quick start and what it says about the test run: the two commands stay as the
 * project rule has them, and what the text around them claims is what the scripts do.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import config from '../../jest.config';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');
const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Install'));
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const ci = read('.ci/run');

describe('README Quick start', () => {
  it('keeps exactly the two commands, `npm ci && npm run demo` and `npm ci && npm test`', () => {
    const commands = [...quickStart.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(([, c]) => c);
    expect(commands).toEqual(['npm ci && npm run demo\n', 'npm ci && npm test\n']);
  });

  it('says the second `npm ci` can be skipped right after the demo', () => {
    expect(quickStart.replace(/\s+/g, ' ')).toContain(
      'Right after the demo the dependencies are already installed: `npm test` alone is enough',
    );
  });

  it('the demo builds through build-if-stale.mjs, which says what it does', () => {
    expect(scripts['demo']).toBe('node scripts/build-if-stale.mjs demo && node examples/demo.mjs');
  });
});

describe('scripts/build-if-stale.mjs', () => {
  let dir: string;
  const OUTPUTS = ['dist/index.mjs', 'dist/cognito/index.mjs', 'dist/testing/index.mjs'];
  const INPUTS = ['lib/index.ts', 'tsup.config.ts', 'tsconfig.build.json', 'package.json'];
  const write = (path: string, at: number) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), '');
    utimesSync(join(dir, path), at / 1000, at / 1000);
  };
  /** Runs the script in `dir`, with an `npx` on PATH that only records its arguments. */
  const run = () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'npx'), '#!/bin/sh\necho "npx $*"\n', { mode: 0o755 });
    return spawnSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.mjs'), 'demo'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
    });
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apig-signer-build-if-stale-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says it is building, and for how long, before and after tsup', () => {
    for (const path of INPUTS) write(path, Date.now());
    const { stdout, status } = run();
    expect(status).toBe(0);
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      'demo: building apig-signer into dist/ first (ESM, CommonJS and type declarations, with tsup; about 40 s on 2 cores)…',
      'npx tsup --silent',
      expect.stringMatching(/^demo: built in \d+ s\.$/),
    ]);
  });

  it('skips the build when dist/ is newer than lib/ and the build config', () => {
    const now = Date.now();
    for (const path of INPUTS) write(path, now - 60_000);
    for (const path of OUTPUTS) write(path, now);
    const { stdout } = run();
    expect(stdout).toBe('demo: dist/ is up to date with lib/, not rebuilding.\n');
  });

  it('builds again when a file under lib/ is newer than dist/', () => {
    const now = Date.now();
    for (const path of INPUTS) write(path, now - 60_000);
    for (const path of OUTPUTS) write(path, now - 30_000);
    write('lib/signing/signer.ts', now);
    expect(run().stdout).toContain('npx tsup --silent');
  });
});

describe('README on what `npm test` covers and what CI adds', () => {
  it('the soak is out of `npm test`, in `npm run test:soak`, which CI runs', () => {
    expect(config.testPathIgnorePatterns?.some((p) => p.includes('soak'))).toBe(true);
    expect(scripts['test:soak']).toContain('__tests__/reliability/soak');
    expect(ci).toMatch(/^npm run test:soak/m);
  });

  it('CI follows docs/testing.md (check:testing-guide) and checks the site order (check:links)', () => {
    expect(ci).toMatch(/^npm run check:testing-guide$/m);
    expect(scripts['check:links']).toContain('scripts/check-docs-order.mjs');
  });
});
