// npm run test:axios: the end-to-end suites on every line of the axios peer range (^1.6.0) that
// behaves differently at dispatch: the lowest 1.6, a 1.7, 1.19 (the last before the fetch
// adapter maps `maxRedirects: 0` to `redirect: 'manual'`) and the latest. Each version is
// installed into .axios/<version>/ (ignored by git) with `npm install --no-save --prefix`, and
// jest runs SUITES once per version, in one process each, with `axios` mapped to that copy
// (moduleNameMapper, so axios-retry and every other importer get the same copy). A setup file
// records which axios the tests really loaded, and a version that loaded any other fails.
//
// Usage: node scripts/test-axios.mjs [--maxWorkers=N] [--only=1.6.0,latest]
// Ends with `axios: N passed, N failed`; exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { npmInstallInto } from './lib/npmInstallInto.mjs';

/**
 * The suites every axios version runs: jest path patterns (regular expressions), relative to the
 * repository. Every end-to-end suite that drives a request through axios and the signer belongs
 * here. A test that needs an adapter some version lacks says so with the helpers of
 * __tests__/helpers/setup.ts (describeEachAdapter, itEachAdapter, describeWith, itWith): there it
 * is skipped, and counted below.
 */
const SUITES = [
  '__tests__/axios/.*\\.e2e\\.test\\.ts$',
  '__tests__/axios/apigSigner\\.test\\.ts$',
  '__tests__/axios/apigSigner\\.faults\\.test\\.ts$',
  '__tests__/axios/attachApigSigner\\.test\\.ts$',
  '__tests__/axios/dispatch\\.test\\.ts$',
  '__tests__/axios/fetchRedirects\\.test\\.ts$',
  '__tests__/axios/interceptorOrder\\.test\\.ts$',
  '__tests__/axios/recovery\\.test\\.ts$',
  '__tests__/axios/unsignedNotice\\.test\\.ts$',
  '__tests__/credentials/credentials\\.e2e\\.test\\.ts$',
  '__tests__/fuzz/signer\\.fuzz\\.test\\.ts$',
  '__tests__/reliability/load\\.test\\.ts$',
  '__tests__/reliability/secrets\\.test\\.ts$',
  '__tests__/signing/rotatedInPlace\\.e2e\\.test\\.ts$',
  '__tests__/signing/sha256\\.test\\.ts$',
  '__tests__/testing/verifySigV4\\.test\\.ts$',
  '__tests__/review/allowlist\\.review\\.test\\.ts$',
  '__tests__/review/dispatchGuard\\.review\\.test\\.ts$',
  '__tests__/review/fetchRedirects\\.review\\.test\\.ts$',
  '__tests__/review/recovery\\.review\\.test\\.ts$',
];

/**
 * The versions: exact pins, and `latest` resolved at install time. axios has a fetch adapter
 * from 1.7.0 only: on 1.6 the tests of the fetch adapter are skipped (by the helpers above, which
 * ask the loaded axios), and the closing lines say how many. Anywhere else a skipped test fails.
 */
const VERSIONS = [
  { spec: '1.6.0', fetchAdapter: false },
  { spec: '1.7.9', fetchAdapter: true },
  { spec: '1.19.0', fetchAdapter: true },
  { spec: 'latest', fetchAdapter: true },
];

const ROOT = process.cwd();
const CACHE = join(ROOT, '.axios');

const args = process.argv.slice(2);
const option = (name, fallback) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const maxWorkers = option('maxWorkers', '2');
const only = option('only', '')
  .split(',')
  .filter((v) => v !== '');
const versions = only.length > 0 ? VERSIONS.filter((v) => only.includes(v.spec)) : VERSIONS;

/** Installs axios@spec into .axios/<spec>/ (kept between runs for exact pins). */
function install(spec) {
  const dir = join(CACHE, spec);
  const manifest = join(dir, 'node_modules', 'axios', 'package.json');
  if (spec === 'latest' || !existsSync(manifest)) {
    npmInstallInto(dir, `axios@${spec}`);
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  // The CommonJS build: what `require('axios')` loads on Node through the package's exports.
  const entry = join(dir, 'node_modules', 'axios', 'dist', 'node', 'axios.cjs');
  if (!existsSync(entry)) throw new Error(`axios ${version} has no ${entry}`);
  return { dir, version, entry };
}

/** A jest config: the repository's, with `axios` mapped to `entry`, recording what loaded. */
function configFor({ dir, entry }) {
  const loaded = join(dir, 'loaded.txt');
  rmSync(loaded, { force: true });
  const setup = join(dir, 'record-axios.cjs');
  writeFileSync(
    setup,
    `require('node:fs').appendFileSync(${JSON.stringify(loaded)}, require('axios').VERSION + '\\n');\n`,
  );
  const config = join(dir, 'jest.config.ts');
  writeFileSync(
    config,
    [
      `import base from ${JSON.stringify(join(ROOT, 'jest.config'))};`,
      'export default {',
      '  ...base,',
      `  rootDir: ${JSON.stringify(ROOT)},`,
      `  moduleNameMapper: { ...base.moduleNameMapper, '^axios$': ${JSON.stringify(entry)} },`,
      `  setupFiles: [...(base.setupFiles ?? []), ${JSON.stringify(setup)}],`,
      '};',
      '',
    ].join('\n'),
  );
  return { config, loaded };
}

const totals = { passed: 0, failed: 0 };
const lines = [];
for (const { spec, fetchAdapter } of versions) {
  let installed;
  try {
    installed = install(spec);
  } catch (error) {
    totals.failed += 1;
    lines.push(`axios ${spec}: not installed (${error.message})`);
    continue;
  }
  const { config, loaded } = configFor(installed);
  const results = join(installed.dir, 'jest.json');
  rmSync(results, { force: true });
  console.log(`\n--- axios ${installed.version} (${spec})`);
  spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--config',
      config,
      '--ci',
      '--json',
      `--outputFile=${results}`,
      `--maxWorkers=${maxWorkers}`,
      ...SUITES,
    ],
    { stdio: 'inherit' },
  );
  if (!existsSync(results)) {
    totals.failed += 1;
    lines.push(`axios ${installed.version}: jest gave no results`);
    continue;
  }
  const report = JSON.parse(readFileSync(results, 'utf8'));
  const seen = existsSync(loaded)
    ? [...new Set(readFileSync(loaded, 'utf8').split('\n').filter(Boolean))]
    : [];
  let { numPassedTests: passed, numFailedTests: failed } = report;
  const problems = [];
  if (!fetchAdapter) {
    problems.push(`${report.numPendingTests} fetch-adapter tests skipped: this axios has none`);
  } else if (report.numPendingTests > 0) {
    problems.push(`${report.numPendingTests} skipped`);
  }
  if (report.numTotalTests === 0) problems.push('no tests ran');
  // A suite renamed or removed must not drop out of the axis unnoticed.
  const ran = report.testResults.map((file) => file.name.slice(ROOT.length + 1));
  const unmatched = SUITES.filter((pattern) => !ran.some((name) => new RegExp(pattern).test(name)));
  if (unmatched.length > 0) problems.push(`no suite matches ${unmatched.join(', ')}`);
  if (seen.length !== 1 || seen[0] !== installed.version) {
    problems.push(
      `the tests loaded axios ${seen.join(', ') || 'nothing'}, not ${installed.version}`,
    );
  }
  if (problems.length > (fetchAdapter ? 0 : 1)) failed += 1;
  const failing = report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((t) => t.status === 'failed')
      .map((t) => `    ${file.name.slice(ROOT.length + 1)}: ${t.fullName}`),
  );
  const suiteErrors = report.testResults
    .filter((file) => file.status === 'failed' && file.assertionResults.length === 0)
    .map((file) => `    ${file.name.slice(ROOT.length + 1)}: the suite failed to run`);
  totals.passed += passed;
  totals.failed += failed + suiteErrors.length;
  lines.push(
    `axios ${installed.version}: ${passed} passed, ${failed + suiteErrors.length} failed${
      problems.length > 0 ? ` (${problems.join('; ')})` : ''
    }`,
    ...failing,
    ...suiteErrors,
  );
}

console.log(`\n${lines.join('\n')}`);
console.log(`axios: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
