import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { OPTIONS } from '../../cli/src/parseCommandLine';
import { cleanEnv, emptyHome, runCli } from '../helpers/cli';

const root = join(__dirname, '../..');
const guide = readFileSync(join(root, 'docs/cli.md'), 'utf8');

/** The fenced block under the guide's "`apig-signer --help`" heading. */
function helpInGuide(): string {
  const section = guide.slice(guide.indexOf('## `apig-signer --help`'));
  const match = /```text\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('docs/cli.md has no --help block');
  return match[1]!;
}

let help: string;
let cleanup: () => void;

beforeAll(async () => {
  const home = emptyHome();
  cleanup = home.cleanup;
  const result = await runCli(['--help'], { env: cleanEnv(home.home) });
  expect(result.code).toBe(0);
  help = result.stdout.toString('utf8');
});
afterAll(() => cleanup());

describe('apig-signer --help', () => {
  it('is the text the Command line guide shows', () => {
    expect(helpInGuide()).toBe(help);
  });

  it('lists every exit code the command uses, with curl numbers', () => {
    const codes = [...help.slice(help.indexOf('Exit codes:')).matchAll(/^ {2}(\d+) /gm)].map((m) =>
      Number(m[1]),
    );
    expect(codes).toEqual([0, 1, 2, 5, 6, 7, 22, 23, 26, 28, 35, 47, 56, 60, 67, 77]);
  });

  it('describes every option the command accepts, and no other', () => {
    const described = [...help.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)].map((m) => m[1]);
    expect([...described].sort()).toEqual(Object.keys(OPTIONS).sort());
    const shorts = [...help.matchAll(/^ {2}-(\w), --([\w-]+)/gm)].map((m) => [m[2], m[1]]);
    expect(Object.fromEntries(shorts)).toEqual(
      Object.fromEntries(
        Object.entries(OPTIONS)
          .filter(([, option]) => 'short' in option)
          .map(([name, option]) => [name, (option as { short: string }).short]),
      ),
    );
  });

  it('-h is --help, and --version prints the package version', async () => {
    const home = emptyHome();
    try {
      const short = await runCli(['-h'], { env: cleanEnv(home.home) });
      expect(short.stdout.toString('utf8')).toBe(help);
      const version = await runCli(['--version'], { env: cleanEnv(home.home) });
      const manifest = JSON.parse(readFileSync(join(root, 'cli/package.json'), 'utf8'));
      expect(version.stdout.toString('utf8')).toBe(`${manifest.version}\n`);
    } finally {
      home.cleanup();
    }
  });
});

describe('README', () => {
  it('has a command line section with the two commands to copy', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('## Command line');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect(section).toMatch(/npx apig-signer-cli --profile \w+ https:/);
    expect(section).toMatch(/npx apig-signer-cli --user-pool-id [\w-]+ --client-id /);
    expect(section).toContain('(docs/cli.md)');
  });
});
