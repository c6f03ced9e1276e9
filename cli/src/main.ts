import { ApigSignerError, presignUrl, signRequest } from 'apig-signer';
import type { Credentials, SigningDebugInfo } from 'apig-signer';

import packageJson from '../package.json';
import { CliError, EXIT, usageError } from './exitCodes';
import { HELP } from './help';
import { parseCommandLine } from './parseCommandLine';
import type { RequestCommand } from './parseCommandLine';
import { onceReader, readBody } from './readBody';
import type { Body } from './readBody';
import { redactAnswer } from './redactAnswer';
import { resolveCredentials } from './resolveCredentials';
import type { ResolvedCredentials } from './resolveCredentials';
import { sendRequest } from './sendRequest';
import type { Answer, OutgoingRequest } from './sendRequest';
import { compareSigning, expectedSigning, isSignatureMismatch } from './signatureMismatch';
import { openTerminal } from './terminal';
import type { Terminal } from './terminal';
import { describeAnswer, describeSent, describeSigning } from './verbose';
import { writeAnswer, writeTo } from './writeAnswer';
import type { OutputStream } from './writeAnswer';

/** What the command reads and writes; the process's own in {@link run}, others in tests. */
export interface Io {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: OutputStream;
  stderr: NodeJS.WritableStream;
  openTerminal: () => Terminal | undefined;
}

/** Said once, before the answer, when it quoted the session token. */
const REDACTION_NOTE = 'the answer quotes the session token: it is written out as <redacted>';

/** Signs nothing real: lets bad input (region, headers, URL) fail before credentials are sought. */
const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'AKIDPLACEHOLDER', secretAccessKey: 'placeholder' };

function hasHeader(headers: ReadonlyArray<[string, unknown]>, name: string): boolean {
  return headers.some(([given]) => given.toLowerCase() === name);
}

/** The request curl would make of these arguments: method, URL (with -G), default headers. */
function outgoingRequest(command: RequestCommand, body: Body | undefined): OutgoingRequest {
  const url = new URL(command.url);
  if (command.get && body !== undefined) {
    url.search =
      url.search === ''
        ? body.bytes.toString('utf8')
        : `${url.search}&${body.bytes.toString('utf8')}`;
  }
  const sendsBody = body !== undefined && !command.get;
  const headers: OutgoingRequest['headers'] = [...command.headers];
  const json = body?.kind === 'json';
  if (!hasHeader(headers, 'accept')) headers.push(['Accept', json ? 'application/json' : '*/*']);
  if (sendsBody && !hasHeader(headers, 'content-type')) {
    headers.push(['Content-Type', json ? 'application/json' : 'application/x-www-form-urlencoded']);
  }
  if (!hasHeader(headers, 'user-agent')) {
    headers.push(['User-Agent', `apig-signer-cli/${packageJson.version}`]);
  }
  // Asked for by name only, as curl: the body is handed over as it comes (no decompression).
  if (!hasHeader(headers, 'accept-encoding')) headers.push(['Accept-Encoding', false]);
  return {
    method: command.method ?? (sendsBody ? 'POST' : 'GET'),
    url,
    headers,
    body: sendsBody ? body.bytes : undefined,
  };
}

/** The library's verdict on the request with placeholder keys: bad input ends here, unsent. */
async function checkSignable(command: RequestCommand, request: OutgoingRequest): Promise<void> {
  try {
    if (command.presign !== undefined) {
      await presignUrl({
        url: request.url,
        credentials: PLACEHOLDER_CREDENTIALS,
        region: command.region,
        service: command.service,
        expiresIn: command.presign,
      });
    } else {
      await signRequest({
        method: request.method,
        url: request.url,
        headers: request.headers.filter(
          (header): header is [string, string] => header[1] !== false,
        ),
        body: request.body,
        credentials: PLACEHOLDER_CREDENTIALS,
        region: command.region,
        service: command.service,
      });
    }
  } catch (error) {
    if (error instanceof ApigSignerError) throw usageError(cliWording(error.message));
    throw error;
  }
}

/** The library speaks of its options; the command's user has flags. */
function cliWording(message: string): string {
  return message
    .replace(/Pass `region`\.?|Set `region`[^.]*\.?/, 'Give --region.')
    .replace(/`service`/g, '--service')
    .split('\n')[0] as string;
}

/** Rejects with exit 28 when --max-time runs out first. */
function withinDeadline<T>(work: Promise<T>, deadline: AbortSignal | undefined): Promise<T> {
  if (deadline === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(new CliError(EXIT.TIMEOUT, 'gave up at --max-time while getting credentials'));
    };
    if (deadline.aborted) onAbort();
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      deadline.removeEventListener('abort', onAbort);
    });
  });
}

function errorTypeOf(answer: Answer): string | undefined {
  return answer.headers.find(([name]) => name.toLowerCase() === 'x-amzn-errortype')?.[1];
}

/** Where the command's notes go: `-v` lines, and messages that `-s` silences. */
interface Log {
  verbose(lines: readonly string[]): Promise<void>;
  say(line: string): Promise<void>;
}

function logFor(command: RequestCommand, stderr: NodeJS.WritableStream): Log {
  const lines = (text: readonly string[]) =>
    text.length === 0 ? Promise.resolve() : writeTo(stderr, `${text.join('\n')}\n`);
  return {
    verbose: (text) => (command.verbose ? lines(text) : Promise.resolve()),
    say: (line) =>
      command.silent && !command.showError ? Promise.resolve() : lines([`apig-signer: ${line}`]),
  };
}

/** Credentials within --max-time, the terminal opened only if a question must be asked. */
async function credentialsFor(
  command: RequestCommand,
  io: Io,
  deadline: AbortSignal | undefined,
): Promise<ResolvedCredentials> {
  let terminal: Terminal | undefined;
  let opened = false;
  try {
    return await withinDeadline(
      resolveCredentials(command, {
        env: io.env,
        terminal: () => {
          if (!opened) terminal = io.openTerminal();
          opened = true;
          return terminal;
        },
      }),
      deadline,
    );
  } finally {
    terminal?.close();
  }
}

/**
 * Sends the request; with -v, tells how it was signed and what went out, whatever happens. The
 * answer comes back with the session token redacted, for everything that prints it.
 */
async function sendTelling(
  command: RequestCommand,
  request: OutgoingRequest,
  credentials: Credentials,
  deadline: AbortSignal | undefined,
  log: Log,
): Promise<{
  answer: Answer;
  redacted: ReturnType<typeof redactAnswer>['redacted'];
  signing: SigningDebugInfo | undefined;
}> {
  const signingLines: string[] = [];
  const sentLines: string[] = [];
  let signing: SigningDebugInfo | undefined;
  try {
    const received = await sendRequest(request, {
      credentials,
      region: command.region,
      service: command.service,
      signal: deadline,
      onSigned: (info) => {
        if (signing !== undefined) {
          signingLines.push(
            '* AWS refused the first signature (device clock or expired credentials): signed again',
          );
        }
        signing = info;
        signingLines.push(...describeSigning(info));
      },
      onSend: (sent) => sentLines.push(...describeSent(sent, credentials.sessionToken)),
    });
    const { answer, redacted } = redactAnswer(received, credentials.sessionToken);
    await log.verbose([...signingLines, ...sentLines, ...describeAnswer(answer)]);
    return { answer, redacted, signing };
  } catch (error) {
    await log.verbose([...signingLines, ...sentLines]);
    throw error;
  }
}

/**
 * On a refused signature: with -v, the canonical request AWS expected beside ours; without, one
 * line saying that -v shows it.
 */
async function explainRefusal(
  answer: Answer,
  signing: SigningDebugInfo | undefined,
  command: RequestCommand,
  log: Log,
): Promise<void> {
  const errorType = errorTypeOf(answer);
  const text = answer.status >= 400 ? answer.body.toString('utf8') : '';
  if (answer.status < 400 || !isSignatureMismatch(errorType, text)) return;
  const refusal = `AWS refused the signature (${errorType?.split(':')[0] ?? 'SignatureDoesNotMatch'})`;
  if (!command.verbose) {
    await log.say(
      `${refusal}: run again with -v to see the canonical request it expected beside ours`,
    );
    return;
  }
  const expected = expectedSigning(text);
  if (expected === undefined || signing === undefined) return;
  // The token AWS quotes in it is <redacted> already, as in our own (the library's debug hook).
  const lines = compareSigning(expected, signing);
  await log.verbose([`* ${refusal}.`, ...lines.map((line) => `* ${line}`)]);
}

async function runRequest(command: RequestCommand, io: Io): Promise<number> {
  const log = logFor(command, io.stderr);
  const body = await readBody(command.data, onceReader(io.stdin));
  const request = outgoingRequest(command, body);
  await checkSignable(command, request);

  const deadline =
    command.maxTimeMs === undefined ? undefined : AbortSignal.timeout(command.maxTimeMs);
  const { credentials, source } = await credentialsFor(command, io, deadline);
  await log.verbose([`* Credentials: ${source}`]);

  if (command.presign !== undefined) {
    const url = await presignUrl({
      url: request.url,
      credentials,
      region: command.region,
      service: command.service,
      expiresIn: command.presign,
    });
    await writeTo(io.stdout, `${url}\n`);
    return EXIT.OK;
  }

  const { answer, redacted, signing } = await sendTelling(
    command,
    request,
    credentials,
    deadline,
    log,
  );
  await explainRefusal(answer, signing, command, log);
  if (command.fail && answer.status >= 400) {
    const errorType = errorTypeOf(answer)?.split(':')[0];
    await log.say(
      `HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}${errorType ? ` (${errorType})` : ''} from ${request.url.host}`,
    );
    return EXIT.HTTP_ERROR;
  }
  // Said of what is written out: the head only with -i (-v's own lines say <redacted> as ever).
  if (redacted.body || (redacted.head && command.include)) await log.say(REDACTION_NOTE);
  await writeAnswer(answer, command, io.stdout, io.env);
  return EXIT.OK;
}

function describeFailure(error: unknown): { exitCode: number; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof ApigSignerError) {
    const badInput = error.name === 'ConfigurationError' || error.name === 'SigningError';
    return {
      exitCode: badInput ? EXIT.USAGE : EXIT.FAILURE,
      message: cliWording(error.message),
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exitCode: EXIT.FAILURE, message: message.split('\n')[0] as string };
}

/**
 * The `apig-signer` command: reads the command line, signs and sends (or presigns), writes the
 * answer, and resolves to the exit code. Never throws.
 */
export async function main(io: Io): Promise<number> {
  let command: ReturnType<typeof parseCommandLine> | undefined;
  try {
    command = parseCommandLine(io.argv);
    if (command.kind === 'help') {
      await writeTo(io.stdout, HELP);
      return EXIT.OK;
    }
    if (command.kind === 'version') {
      await writeTo(io.stdout, `${packageJson.version}\n`);
      return EXIT.OK;
    }
    return await runRequest(command, io);
  } catch (error) {
    const { exitCode, message } = describeFailure(error);
    const quiet =
      command?.kind === 'request' &&
      command.silent &&
      !command.showError &&
      exitCode !== EXIT.USAGE;
    if (!quiet) {
      await writeTo(io.stderr, `apig-signer: ${message}\n`).catch(() => undefined);
    }
    return exitCode;
  }
}

/** Runs the command in this process and exits with its code. */
export async function run(): Promise<void> {
  const exitCode = await main({
    argv: process.argv.slice(2),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    openTerminal,
  });
  // Keep-alive sockets and SDK clients must not hold the command open once it is done.
  process.exit(exitCode);
}
