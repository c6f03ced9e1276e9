// Checks the built package the way users load it: `require` and `import` through the `exports`
// map (package self-reference), for every entry point; and what `npm pack` would ship. Run after
// `npm run build`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';

const entries = {
  'apig-signer': ['apigSigner', 'fromStatic', 'ApigSignerError', 'ConfigurationError'],
  'apig-signer/cognito': ['createCognitoAuth', 'NotSignedInError', 'SessionExpiredError'],
  'apig-signer/testing': ['startSigV4Gateway', 'startCognitoEmulator', 'verifySigV4'],
};

// One copy of the error classes across entry points, so instanceof works for every error.
const sameClasses = `const main = require('apig-signer'); const cognito = require('apig-signer/cognito');
  if (!(new cognito.NotSignedInError() instanceof main.ApigSignerError)) throw new Error('two copies');`;

let failed = false;
try {
  execFileSync(process.execPath, ['-e', sameClasses], { stdio: 'pipe' });
  console.log('ok   one ApigSignerError class across entry points');
} catch (error) {
  failed = true;
  console.error(
    `FAIL entry points carry separate error classes: ${error.stderr?.toString() ?? error}`,
  );
}
// The CommonJS and the ESM build loaded side by side are two copies of every class: an error
// thrown by one is still `instanceof` the other's classes (registered-symbol brand).
const acrossBuilds = `import { createRequire } from 'node:module';
  const cjs = createRequire(import.meta.url)('apig-signer');
  const cjsCognito = createRequire(import.meta.url)('apig-signer/cognito');
  const esm = await import('apig-signer');
  const esmCognito = await import('apig-signer/cognito');
  if (cjs.SigningError === esm.SigningError) throw new Error('expected two copies');
  const checks = [
    new cjs.SigningError('ERR_SIGNING', 'x') instanceof esm.SigningError,
    new esm.SigningError('ERR_SIGNING', 'x') instanceof cjs.ApigSignerError,
    new cjsCognito.NotSignedInError() instanceof esmCognito.NotSignedInError,
    new esmCognito.NotSignedInError() instanceof cjs.CredentialsError,
    !(new cjs.SigningError('ERR_SIGNING', 'x') instanceof esm.ConfigurationError),
  ];
  if (!checks.every(Boolean)) throw new Error('instanceof across builds: ' + checks);`;
try {
  execFileSync(process.execPath, ['--input-type=module', '-e', acrossBuilds], { stdio: 'pipe' });
  console.log('ok   instanceof across the CommonJS and ESM builds');
} catch (error) {
  failed = true;
  console.error(`FAIL instanceof across builds: ${error.stderr?.toString() ?? error}`);
}
for (const [specifier, names] of Object.entries(entries)) {
  const check = `if (typeof m.${names[0]} !== 'function') throw new Error('missing export');
    for (const n of ${JSON.stringify(names)}) if (!(n in m)) throw new Error('missing ' + n);`;
  const programs = {
    require: ['-e', `const m = require('${specifier}'); ${check}`],
    import: ['--input-type=module', '-e', `const m = await import('${specifier}'); ${check}`],
  };
  for (const [how, args] of Object.entries(programs)) {
    try {
      execFileSync(process.execPath, args, { stdio: 'pipe' });
      console.log(`ok   ${how}('${specifier}')`);
    } catch (error) {
      failed = true;
      console.error(`FAIL ${how}('${specifier}'): ${error.stderr?.toString() ?? error}`);
    }
  }
}

// The tarball: what `npm pack` would publish, as npm itself lists it (not as `files` says).
const read = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe' });
const [pack] = JSON.parse(read('npm', ['pack', '--dry-run', '--json']));
const packed = new Set(pack.files.map((file) => file.path));
const targets = (value) =>
  typeof value === 'string' ? [value] : Object.values(value).flatMap(targets);
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const required = ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'].concat(
  [
    ...targets(manifest.exports),
    // Both sides of the `browser` field's file mappings: what Node loads and what browsers get.
    ...Object.entries(manifest.browser ?? {}).flat(),
  ].map((path) => path.replace(/^\.\//, '')),
);
for (const path of new Set(required)) {
  if (packed.has(path)) console.log(`ok   npm pack ships ${path}`);
  else {
    failed = true;
    console.error(`FAIL npm pack does not ship ${path}: add it to "files" in package.json`);
  }
}
// Links in the packed Markdown (README, guides) resolve inside the package, for a reader of
// node_modules/apig-signer: a relative link to a file npm does not ship is dead there, and so is
// an anchor no heading of its target makes (GitHub's slugs: lower case, punctuation dropped,
// spaces to dashes).
const slug = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (text) =>
  new Set(
    [...text.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^#{1,6} (.*)$/gm)].map(([, h]) =>
      slug(h),
    ),
  );
let links = 0;
let deadLinks = 0;
for (const file of [...packed].filter((path) => path.endsWith('.md'))) {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    links += 1;
    const [path, anchor] = target.split('#');
    const resolved = path ? posix.normalize(posix.join(posix.dirname(file), path)) : file;
    if (!packed.has(resolved)) {
      deadLinks += 1;
      console.error(
        `FAIL ${file} links ${target}, which npm pack does not ship: add it to "files" in package.json, or link it absolutely`,
      );
    } else if (
      anchor &&
      resolved.endsWith('.md') &&
      !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)
    ) {
      deadLinks += 1;
      console.error(`FAIL ${file} links ${target}, but ${resolved} has no heading #${anchor}`);
    }
  }
}
if (deadLinks > 0) failed = true;
else console.log(`ok   ${links} relative links in the packed Markdown resolve inside the package`);

// The licence the manifest names is the one whose full text ships.
const license = existsSync('LICENSE') ? readFileSync('LICENSE', 'utf8') : '';
if (
  manifest.license === 'Apache-2.0' &&
  license.includes('Apache License\n                           Version 2.0, January 2004') &&
  license.includes('END OF TERMS AND CONDITIONS')
) {
  console.log('ok   LICENSE holds the full Apache-2.0 text named in package.json');
} else {
  failed = true;
  console.error('FAIL LICENSE is not the full text of the licence package.json names');
}
process.exit(failed ? 1 : 0);
