// Loaded for every run: only what parsing the command line needs. The request path (and with
// it the library, axios and the credential packages) is imported when a request is made, so
// --help and --version stay as fast as Node's own start-up.
import packageJson from '../package.json';
import { CliError, EXIT } from './exitCodes';
import { HELP } from './help';
import { parseCommandLine } from './parseCommandLine';
import type { Terminal } from './terminal';
import type { OutputStream } from './writeAnswer';

/** What the command reads and writes; the process's own in {@link run}, others in tests. */
export interface Io {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: OutputStream;
  stderr: NodeJS.WritableStream;
  /** Opens the terminal for questions; the process's own (`terminal.ts`) when not given. */
  openTerminal?: (() => Terminal | undefined) | undefined;
}

/** The library's errors, known by name (importing the class would load the library). */
const BAD_INPUT_ERRORS = new Set(['ConfigurationError', 'SigningError']);
const LIBRARY_ERRORS = new Set([...BAD_INPUT_ERRORS, 'ApigSignerError', 'CredentialsError']);

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => {
      resolve();
    });
  });
}

async function describeFailure(error: unknown): Promise<{ exitCode: number; message: string }> {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof Error && LIBRARY_ERRORS.has(error.name)) {
    const { cliWording } = await import('./runRequest');
    return {
      exitCode: BAD_INPUT_ERRORS.has(error.name) ? EXIT.USAGE : EXIT.FAILURE,
      message: cliWording(error.message),
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exitCode: EXIT.FAILURE, message: message.split('\n')[0] as string };
}

/** What the last command of this process was, once its command line was read. */
let lastKind: ReturnType<typeof parseCommandLine>['kind'] | undefined;

/**
 * The kind of the command this process ran (`request`, `help`, `sandbox`…), `undefined` before
 * one was read: the launcher keeps the code cache a request compiled, not what `--help` did.
 */
export function commandKind(): typeof lastKind {
  return lastKind;
}

/** How the command ended: its exit code, and how long the process may stay up for work in flight. */
interface Ending {
  exitCode: number;
  /** `--sign-out`'s RevokeToken may still be on its way: at most this long (0: exit at once). */
  lingerMs: number;
}

/**
 * The `apig-signer` command: reads the command line, signs and sends (or presigns), writes the
 * answer, and resolves to the exit code. Never throws.
 */
export async function main(io: Io): Promise<number> {
  return (await runCommand(io)).exitCode;
}

async function runCommand(io: Io): Promise<Ending> {
  const done = (exitCode: number): Ending => ({ exitCode, lingerMs: 0 });
  let command: ReturnType<typeof parseCommandLine> | undefined;
  try {
    command = parseCommandLine(io.argv);
    lastKind = command.kind;
    if (command.kind === 'help') {
      await write(io.stdout, HELP);
      return done(EXIT.OK);
    }
    if (command.kind === 'version') {
      await write(io.stdout, `${packageJson.version}\n`);
      return done(EXIT.OK);
    }
    if (command.kind === 'sandbox') {
      const { runSandbox } = await import('./sandbox');
      return done(await runSandbox(io.stdout));
    }
    if (command.kind === 'forgot-password') {
      const { runForgotPassword } = await import('./forgotPassword');
      return done(await runForgotPassword(command, io));
    }
    if (command.kind === 'sign-out') {
      const { signOut, REVOKE_BOUND_MS } = await import('./signOut');
      const outcome = await signOut(command, io.env);
      await write(io.stderr, `apig-signer: ${outcome.message}\n`);
      return { exitCode: outcome.exitCode, lingerMs: outcome.revoking ? REVOKE_BOUND_MS : 0 };
    }
    const { runRequest } = await import('./runRequest');
    return done(await runRequest(command, io));
  } catch (error) {
    const { exitCode, message } = await describeFailure(error);
    const quiet =
      command?.kind === 'request' &&
      command.silent &&
      !command.showError &&
      exitCode !== EXIT.USAGE;
    if (!quiet) await write(io.stderr, `apig-signer: ${message}\n`);
    return done(exitCode);
  }
}

/** Runs the command in this process and exits with its code. */
export async function run(): Promise<void> {
  // A closed pipe (`| head`) is reported where the write fails (exit 23, one line); the stream's
  // own 'error' event must not end the process with a stack trace.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const { exitCode, lingerMs } = await runCommand({
    argv: process.argv.slice(2),
    // A copy: the command's rules read it, while process.env is what the library reads (the
    // Cognito client's proxy variables are rewritten there, see cognitoProxy.ts).
    env: { ...process.env },
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  if (lingerMs > 0) {
    // The library sends RevokeToken in the background and does not say when it has settled;
    // its request and timers keep the event loop alive until then, so the process ends by
    // itself once they are done. The unref'd timer only bounds that wait: it fires if
    // something still holds the loop after the revocation's own bound.
    process.exitCode = exitCode;
    setTimeout(() => process.exit(exitCode), lingerMs).unref();
    return;
  }
  // Keep-alive sockets and SDK clients must not hold the command open once it is done.
  process.exit(exitCode);
}
