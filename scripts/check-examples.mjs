// Type-checks every `@example` of the public API (the typedoc site shows them), so an example
// that no longer compiles fails CI. Each example becomes a module: its imports at the top, its
// code inside an async function (so its own declarations shadow the shared prelude below), with
// `apig-signer` mapped to the sources.
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
rmSync(OUT, { recursive: true, force: true });
