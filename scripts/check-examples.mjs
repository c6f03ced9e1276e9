// Type-checks every `@example` of the public API (the typedoc site shows them), so an example
// that no longer compiles fails CI. Each example becomes a module: its imports at the top, its
// code inside an async function (so its own declarations shadow the shared prelude below), with
// `apig-signer` mapped to the sources.
//
// Then runs the guides whose snippets are whole files (GUIDES below): each TypeScript block's
// first line names its file (`// notes-api.ts`); the blocks are written out as a jest project,
// type-checked, and run with jest, `apig-signer` again mapped to the sources.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = process.cwd();
const OUT = join(ROOT, '.examples-check');

/** Names examples use without defining: what an app around them would have. */
const PRELUDE = `
import type { AxiosInstance } from 'axios';
import type { CredentialsProvider } from 'apig-signer';
import type { CognitoAuth } from 'apig-signer/cognito';
declare const api: AxiosInstance;
declare const auth: CognitoAuth;
declare const credentials: CredentialsProvider;
declare const accessKeyId: string, secretAccessKey: string, sessionToken: string;
declare const region: string, userPoolId: string, clientId: string, identityPoolId: string;
declare const username: string, password: string;
declare const fs: typeof import('node:fs');
declare function showSignInPage(): void;
declare function showMessage(message: string): void;
declare function retryLater(): void;
`;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const examples = [];
for (const file of files(join(ROOT, 'lib'))) {
  const source = readFileSync(file, 'utf8');
  for (const comment of source.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const lines = comment.split('\n').map((line) => line.replace(/^\s*\/?\*+\/?\s?/, ''));
    let inExample = false;
    let inCode = false;
    let code = [];
    for (const line of lines) {
      if (line.startsWith('@example')) inExample = true;
      else if (inExample && !inCode && line.startsWith('@')) inExample = false;
      else if (inExample && line.startsWith('```')) {
        if (inCode) {
          examples.push({ file: relative(ROOT, file), code: code.join('\n') });
          code = [];
        }
        inCode = !inCode;
      } else if (inCode) code.push(line);
    }
  }
}

// Guides' snippets too: a ```ts block of docs/*.md preceded by the line `<!-- check-example -->`
// (prettier puts a blank line between) is a whole example: it imports what it uses and is
// compiled like an @example. Blocks without the marker are fragments of the page's story.
for (const name of readdirSync(join(ROOT, 'docs')).filter((n) => n.endsWith('.md'))) {
  const text = readFileSync(join(ROOT, 'docs', name), 'utf8');
  for (const [, code] of text.matchAll(
    /^<!-- check-example -->\n(?:[ \t]*\n)*```ts\n([\s\S]*?)^```$/gm,
  )) {
    examples.push({ file: `docs/${name}`, code: code.trimEnd() });
  }
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);
examples.forEach(({ file, code }, index) => {
  const imports = [];
  const body = [];
  let importing = false;
  for (const line of code.split('\n')) {
    if (line.startsWith('import ') || importing) {
      imports.push(line);
      importing = !line.trimEnd().endsWith(';');
    } else body.push(line);
  }
  writeFileSync(
    join(OUT, `example${index}.ts`),
    `// from ${file}\n${imports.join('\n')}\n${PRELUDE}\nexport async function example(): Promise<void> {\n${body.join('\n')}\n}\n`,
  );
});
writeFileSync(
  join(OUT, 'tsconfig.json'),
  JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: {
      noEmit: true,
      noUnusedLocals: false,
      baseUrl: '..',
      paths: {
        'apig-signer': ['lib/index.ts'],
        'apig-signer/cognito': ['lib/cognito/index.ts'],
        'apig-signer/testing': ['lib/testing/index.ts'],
      },
    },
    include: ['./*.ts'],
  }),
);
try {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(OUT, 'tsconfig.json')],
    {
      stdio: 'inherit',
    },
  );
  console.log(`check-examples: ${examples.length} examples compile`);
} catch {
  console.error(
    'check-examples: an @example does not compile (see .examples-check/ for the generated files)',
  );
  process.exit(1);
}
runGuides();
rmSync(OUT, { recursive: true, force: true });

function runGuides() {
  const GUIDES = ['docs/testing.md'];
  const dir = join(OUT, 'guides');
  mkdirSync(dir, { recursive: true });
  const written = [];
  for (const guide of GUIDES) {
    const text = readFileSync(join(ROOT, guide), 'utf8');
    for (const [, lang, code] of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
      if (!['ts', 'typescript', 'js', 'mjs'].includes(lang)) continue;
      const name = /^\/\/ ([\w.-]+\.(?:ts|js|mjs))\n/.exec(code)?.[1];
      if (name === undefined) {
        console.error(`check-examples: a ${lang} block in ${guide} does not name its file`);
        process.exit(1);
      }
      if (written.includes(name)) {
        console.error(`check-examples: two blocks in the guides are named ${name}`);
        process.exit(1);
      }
      writeFileSync(join(dir, name), code);
      written.push(name);
    }
  }
  const sources = {
    'apig-signer': 'lib/index.ts',
    'apig-signer/cognito': 'lib/cognito/index.ts',
    'apig-signer/testing': 'lib/testing/index.ts',
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        baseUrl: '../..',
        paths: Object.fromEntries(Object.entries(sources).map(([name, path]) => [name, [path]])),
      },
      include: ['./*.ts'],
    }),
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const jest = join(ROOT, 'node_modules/jest/bin/jest.js');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  } catch {
    console.error(
      `check-examples: a guide's snippet does not compile (see ${relative(ROOT, dir)}/)`,
    );
    process.exit(1);
  }
  const config = {
    rootDir: ROOT,
    roots: [dir],
    testMatch: ['**/*.test.ts'],
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: join(dir, 'tsconfig.json') }] },
    moduleNameMapper: Object.fromEntries(
      Object.entries(sources).map(([name, path]) => [`^${name}$`, join(ROOT, path)]),
    ),
    testEnvironmentOptions: { globalsCleanup: 'off' },
  };
  try {
    execFileSync(
      process.execPath,
      [jest, '--config', JSON.stringify(config), '--maxWorkers=1', '--ci'],
      {
        stdio: 'inherit',
        // What the Cognito guide tells users to set on Node 20 (the AWS SDK's version warning).
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
  } catch {
    console.error(
      `check-examples: a guide's test fails (the files are in ${relative(ROOT, dir)}/)`,
    );
    process.exit(1);
  }
  console.log(`check-examples: ${written.length} guide files compile and their tests pass`);
}
