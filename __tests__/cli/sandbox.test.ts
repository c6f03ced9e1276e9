import { execFile, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { CLI_BIN, cleanEnv, emptyHome } from '../helpers/cli';

/**
 * The first try docs/cli.md walks: `apig-signer sandbox` in one terminal, the lines it prints
 * pasted into another, as written (run by sh, with `apig-signer` on the PATH).
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

describe('apig-signer sandbox', () => {
  it('prints commands that work as pasted, for the demo user and for keys, and stops on Ctrl-C', async () => {
    const sandbox = spawn(process.execPath, [CLI_BIN, 'sandbox'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      sandbox.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('/prod/notes\n\n') && output.split('/prod/notes\n').length > 2)
          resolve();
      });
      sandbox.on('close', (code) => reject(new Error(`sandbox exited ${code}: ${output}`)));
    });
    const run = promisify(execFile);
    try {
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
    } finally {
      const exited = new Promise<number | null>((resolve) => sandbox.once('exit', resolve));
      sandbox.removeAllListeners('close');
      sandbox.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 30_000);
});
