// npm run check:testing-guide: docs/testing.md's set-up, followed as a reader would.
//
// In an empty project outside the repository: the guide's install lines (the packed tarball in
// place of `apig-signer`), then its config and test files, each written from the guide's own
// blocks (a block whose first line is `// <file name>`), then `npx jest`. Fails when a step
// fails, when a test fails, and when anything prints a warning (npm's or jest's, such as JEST-01,
// or a console block from a test), since a reader following the guide would see it.
//
// Keeps the project on failure (its path is printed); removes it on success.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = process.cwd();
/** The guide to follow; another path only to try the check itself on an edited copy. */
const GUIDE = process.argv[2] ?? 'docs/testing.md';
/** What counts as a warning in the output of npm or jest. */
const WARNING = /\bwarn(?:ing)?\b|\bJEST-\d+|^\s+console\.(?:log|info|warn|error|debug)$/im;

const fail = (message, dir) => {
  console.error(`check-testing-guide: ${message}${dir ? ` (the project is in ${dir})` : ''}`);
  process.exit(1);
};

/** The environment of a reader's shell: nothing of the npm run that started this script. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'),
);

/** Runs a command in `cwd`; returns its output, failing on a non-zero exit or a warning. */
function run(command, args, cwd, what) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    fail(`${what} failed`, cwd);
  }
  const warning = WARNING.exec(output);
  if (warning) {
    process.stderr.write(output);
    fail(`${what} printed a warning: "${warning[0].trim()}"`, cwd);
  }
  return output;
}

const guide = readFileSync(resolve(ROOT, GUIDE), 'utf8');
const blocks = [...guide.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, code]) => ({
  lang,
  code,
}));

// The set-up commands, as written: every npm line of the guide's shell blocks.
const commands = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) => b.code.split('\n'))
  .filter((line) => line.startsWith('npm '));
const installs = commands.filter((line) => line.startsWith('npm install '));
if (installs.length === 0) fail(`${GUIDE} has no npm install line`);
if (!installs.some((line) => line.split(/\s+/).includes('apig-signer'))) {
  fail(`${GUIDE}'s install lines do not install apig-signer`);
}

// The files, as written: config and tests alike.
const files = new Map();
for (const { lang, code } of blocks) {
  const name = /^\/\/ ([\w.-]+\.(?:ts|js|mjs|cjs|json))\n/.exec(code)?.[1];
  if (name === undefined) {
    if (['ts', 'js', 'json'].includes(lang))
      fail(`a ${lang} block in ${GUIDE} does not name its file`);
    continue;
  }
  if (files.has(name)) fail(`two blocks in ${GUIDE} are named ${name}`);
  files.set(name, code);
}
for (const needed of ['jest.config.js', 'tsconfig.json']) {
  if (!files.has(needed)) fail(`${GUIDE} does not give ${needed}`);
}
const tests = [...files.keys()].filter((name) => name.endsWith('.test.ts'));

// The package as published: built, then packed.
execFileSync('npx', ['tsup', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'apig-signer-testing-guide-'));
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  }),
)[0];
const tarball = join(dir, packed.filename);

writeFileSync(
  join(dir, 'package.json'),
  `${JSON.stringify({ name: 'notes-app', version: '1.0.0', private: true }, null, 2)}\n`,
);
for (const line of commands) {
  // The guide's lines hold no spaces inside their quotes: split on spaces, drop the quotes.
  // --no-audit and --no-fund only keep the registry's advisories and appeals out of the output,
  // which the check reads for warnings: they change nothing that is installed.
  const args = line
    .split(/\s+/)
    .slice(1)
    .map((word) => (word === 'apig-signer' ? tarball : word.replace(/^'(.*)'$/, '$1')));
  run(
    'npm',
    [...args, ...(args[0] === 'install' ? ['--no-audit', '--no-fund'] : [])],
    dir,
    `\`${line}\``,
  );
}
// npm does not install an optional peer. While the packed package declares one (its Cognito
// entry needs amazon-cognito-identity-js until its own user-pool client lands), a reader
// installs it from the README; the guide's own line does not name it.
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
  .filter(([name, meta]) => meta.optional && !installs.some((line) => line.includes(` ${name}`)))
  .map(([name]) => `${name}@${manifest.peerDependencies[name]}`);
if (optional.length > 0) {
  console.log(`check-testing-guide: also installing the optional peers ${optional.join(', ')}`);
  run('npm', ['install', ...optional, '--no-audit', '--no-fund'], dir, 'the optional peers');
}
for (const [name, code] of files) writeFileSync(join(dir, name), code);

const output = run(join(dir, 'node_modules/.bin/jest'), ['--ci'], dir, 'npx jest');
const passed = /Tests:\s+(\d+) passed, (\d+) total/.exec(output);
if (!passed || passed[1] !== passed[2]) fail('not every test passed', dir);
const suites = /Test Suites:\s+(\d+) passed/.exec(output)?.[1];
if (Number(suites) !== tests.length) {
  fail(`jest ran ${suites ?? 0} test files, the guide has ${tests.length}`, dir);
}
rmSync(dir, { recursive: true, force: true });
console.log(
  `check-testing-guide: ${GUIDE} set up as written from the packed package; ${tests.length} test files, ${passed[1]} tests pass, no warnings`,
);
