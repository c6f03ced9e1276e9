// Type-checks a consumer file (__tests__/types/consumer/consumer.ts) against the built package,
// installed the way users install it (node_modules/apig-signer, a link to this checkout), under
// every moduleResolution a project may use: node10 (the default of `"module": "commonjs"`),
// node16 and nodenext (both as CommonJS and as ESM) and bundler. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, '.type-consumers');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const SETUPS = [
  { name: 'node10', type: 'commonjs', options: { module: 'commonjs', moduleResolution: 'node10' } },
  {
    name: 'node16 (CommonJS)',
    type: 'commonjs',
    options: { module: 'node16', moduleResolution: 'node16' },
  },
  {
    name: 'node16 (ESM)',
    type: 'module',
    options: { module: 'node16', moduleResolution: 'node16' },
  },
  {
    name: 'nodenext (CommonJS)',
    type: 'commonjs',
    options: { module: 'nodenext', moduleResolution: 'nodenext' },
  },
  {
    name: 'nodenext (ESM)',
    type: 'module',
    options: { module: 'nodenext', moduleResolution: 'nodenext' },
  },
  { name: 'bundler', type: 'module', options: { module: 'esnext', moduleResolution: 'bundler' } },
];

let failed = false;
rmSync(WORK, { recursive: true, force: true });
for (const [index, setup] of SETUPS.entries()) {
  const dir = join(WORK, `c${index}`);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  // The package as a dependency; its own dependencies (axios, the Cognito packages) resolve
  // from this checkout's node_modules, as they would from the app's.
  symlinkSync(ROOT, join(dir, 'node_modules', 'apig-signer'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'axios'), join(dir, 'node_modules', 'axios'), 'dir');
  // apig-signer/testing is for tests in Node: its users have Node's types.
  mkdirSync(join(dir, 'node_modules', '@types'));
  symlinkSync(
    join(ROOT, 'node_modules', '@types', 'node'),
    join(dir, 'node_modules', '@types', 'node'),
    'dir',
  );
  cpSync(join(ROOT, '__tests__', 'types', 'consumer', 'consumer.ts'), join(dir, 'consumer.ts'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${index}`, type: setup.type }),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...setup.options,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        esModuleInterop: true,
      },
      files: ['consumer.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [TSC, '-p', dir], { stdio: 'pipe', encoding: 'utf8' });
    console.log(`ok   types resolve under moduleResolution ${setup.name}`);
  } catch (error) {
    failed = true;
    console.error(
      `FAIL moduleResolution ${setup.name}:\n${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
  }
}
rmSync(WORK, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
