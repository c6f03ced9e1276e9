import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The command as `npx apig-signer` runs it in a clone (bundled from the current sources). */
export const CLI_BIN = resolve(__dirname, '../../cli/bin/apig-signer.cjs');

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** A home with no AWS files, so the AWS chain finds only what a test gives it. */
export function emptyHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'apig-signer-cli-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/**
 * An environment with nothing of the caller's AWS set-up: no keys, profiles, config files or
 * instance metadata, unless the test adds them.
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/**
 * Runs the real command as a child process, in a session of its own (no controlling terminal,
 * as in CI), with `stdin` written to it and closed.
 */
export function runCli(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; stdin?: Buffer | string; cwd?: string },
): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** Quotes one argument for `sh -c`. */
function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command running in a pseudo-terminal: what it shows, and the keys typed into it. */
export interface TerminalSession {
  /** Everything the terminal has shown so far (prompts, echo, output), CRs removed. */
  screen(): string;
  /** Resolves when the screen shows `text` after what the last `waitFor` matched; rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Types keys (end a line with `\r`, as the Enter key sends). */
  type(keys: string): void;
  /** Resolves to the exit code. */
  exited: Promise<number | null>;
}

/**
 * Runs the command in a pseudo-terminal made by util-linux `script` (in every Debian
 * installation: no native addon needed). The command's stdout, stderr and /dev/tty are that
 * terminal.
 */
export function runInTerminal(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv },
): TerminalSession {
  const command = [process.execPath, CLI_BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    // TERM=dumb unless the test names a terminal type (colour needs one).
    env: { TERM: 'dumb', ...options.env, SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let shown = '';
  // Where the last awaited text ended: a prompt asked again (a retyped password) is awaited anew,
  // not matched by its first showing, before the command has turned echo off again.
  let seen = 0;
  const waiters: Array<() => void> = [];
  const onOutput = (chunk: Buffer) => {
    shown += chunk.toString('utf8').replace(/\r/g, '');
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise<number | null>((done) => {
    child.on('close', (code) => {
      done(code);
      for (const waiter of [...waiters]) waiter();
    });
  });
  return {
    screen: () => shown,
    waitFor(text, timeoutMs = 20_000) {
      return new Promise((done, fail) => {
        const check = () => {
          const at = shown.indexOf(text, seen);
          if (at !== -1) {
            seen = at + text.length;
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            done();
          } else if (child.exitCode !== null) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            fail(new Error(`exited before showing ${JSON.stringify(text)}; screen:\n${shown}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          fail(new Error(`never showed ${JSON.stringify(text)}; screen:\n${shown}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    type(keys) {
      child.stdin.write(keys);
    },
    exited: exited.finally(() => child.stdin.end()),
  };
}

/** Reads an upload's stream to its end or its failure: the bytes it let through, and how. */
export async function drain(
  stream: NodeJS.ReadableStream,
): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}

/**
 * A self-signed certificate for 127.0.0.1 (one day, P-256), made with openssl in `directory`:
 * the key and certificate for an https test server, and the certificate's path (for `--cacert`).
 */
export function selfSignedCertificate(directory: string): {
  key: Buffer;
  cert: Buffer;
  certPath: string;
} {
  const keyPath = join(directory, 'key.pem');
  const certPath = join(directory, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath };
}
