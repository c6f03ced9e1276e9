import { readFile } from 'node:fs/promises';

import { ApigSignerError, presignUrl, signRequest } from 'apig-signer';
import type { Credentials, SigningDebugInfo } from 'apig-signer';

import packageJson from '../package.json';
import { CliError, EXIT, usageError } from './exitCodes';
import type { Io } from './main';
import type { RequestCommand } from './parseCommandLine';
import { configFile, fallbackRegion } from './fallbackRegion';
import { proxyFor } from './proxyFor';
import { readBody } from './readBody';
import type { Body } from './readBody';
import { redactToken } from './redactToken';
import { resolveCredentials } from './resolveCredentials';
import type { ResolvedCredentials } from './resolveCredentials';
import { sendRequest, wireBody } from './sendRequest';
import type { Answer, OutgoingRequest } from './sendRequest';
import { compareSigning, expectedSigning, isSignatureMismatch } from './signatureMismatch';
import type { Terminal } from './terminal';
import { send } from './transport';
import type { TransportOptions } from './transport';
import { describeAnswer, describeSent, describeSigning } from './verbose';
import { openOutput, statusAndHeaders, writeBody, writeTo } from './writeAnswer';
import { checkWriteOut, writeOut } from './writeOut';

/** Said once, after the answer, when it quoted the session token. */
const REDACTION_NOTE = 'the answer quotes the session token: it is written out as <redacted>';

/** Signs nothing real: lets bad input (region, headers, URL) fail before credentials are sought. */
const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'AKIDPLACEHOLDER', secretAccessKey: 'placeholder' };

/** curl's `--retry`: HTTP answers that are worth another try. */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** curl's first wait between retries, doubled each time (up to ten minutes). */
const FIRST_RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 600_000;

function hasHeader(headers: ReadonlyArray<[string, unknown]>, name: string): boolean {
  return headers.some(([given]) => given.toLowerCase() === name);
}

function headerOf(headers: ReadonlyArray<[string, string]>, name: string): string | undefined {
  return headers.find(([given]) => given.toLowerCase() === name)?.[1];
}

/** The request curl would make of these arguments: method, URL (with -G), default headers. */
function outgoingRequest(command: RequestCommand, body: Body | undefined): OutgoingRequest {
  const url = new URL(command.url);
  if (command.get && body !== undefined) {
    // With -G the data is read whole (readBody): it is the query.
    const query = (body.content as Buffer).toString('utf8');
    url.search = url.search === '' ? query : `${url.search}&${query}`;
  }
  const sendsBody = body !== undefined && !command.get;
  const headers: OutgoingRequest['headers'] = [...command.headers];
  const json = body?.kind === 'json';
  if (!hasHeader(headers, 'accept')) headers.push(['Accept', json ? 'application/json' : '*/*']);
  // Only with a body, as curl: a request without one has no Content-Type (nor Content-Length);
  // -T's has none either.
  if (sendsBody && body.kind !== 'upload' && !hasHeader(headers, 'content-type')) {
    headers.push(['Content-Type', json ? 'application/json' : 'application/x-www-form-urlencoded']);
  }
  if (!hasHeader(headers, 'user-agent')) {
    headers.push(['User-Agent', `apig-signer-cli/${packageJson.version}`]);
  }
  // Content-Length is Node's to add (the body's length), except with `-H 'Transfer-Encoding:
  // chunked'`: then, as with curl, the body goes chunked and without a length.
  return {
    method: command.method ?? (sendsBody ? 'POST' : 'GET'),
    url,
    headers,
    body: sendsBody ? body.content : undefined,
  };
}

/** The library speaks of its options; the command's user has flags. */
export function cliWording(message: string): string {
  return (
    message
      .replace(/Pass `region`\.?|Set `region`[^.]*\.?/, 'Give --region.')
      .replace(/`service`/g, '--service')
      .replace(/`credentialsTimeoutMs`|`timeoutMs`/g, '--max-time')
      .replace(/`identityPoolId`/g, '--identity-pool-id')
      .replace(/`userPoolId`/g, '--user-pool-id')
      .replace(/`clientId`/g, '--client-id')
      .split('\n')[0] ?? message
  );
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
        headers: request.headers,
        // An upload's bytes are not read here: the body does not decide the region.
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
        credentials: PLACEHOLDER_CREDENTIALS,
        region: command.region,
        service: command.service,
      });
    }
  } catch (error) {
    if (error instanceof ApigSignerError && error.code === 'ERR_NO_REGION') throw error;
    if (error instanceof ApigSignerError) throw usageError(cliWording(error.message));
    throw error;
  }
}

/**
 * The command with a region: `--region`, the host name's, else AWS_REGION, AWS_DEFAULT_REGION
 * or the profile's. Bad input (headers, URL) ends here too, unsent.
 *
 * @throws {@link CliError} exit 2 naming every place a region could come from.
 */
async function withRegion(
  command: RequestCommand,
  request: OutgoingRequest,
  io: Io,
  log: Log,
): Promise<RequestCommand> {
  try {
    await checkSignable(command, request);
    return command;
  } catch (error) {
    if (!(error instanceof ApigSignerError) || command.region !== undefined) throw error;
  }
  const found = await fallbackRegion(io.env, command.profile);
  if (found === undefined) {
    throw usageError(
      `no region for host ${request.url.host}: its name carries none. Give --region, or set AWS_REGION or AWS_DEFAULT_REGION, or a region for profile ${command.profile ?? io.env['AWS_PROFILE'] ?? 'default'} in ${configFile(io.env)}`,
    );
  }
  await log.verbose([
    `* Region ${found.region} (from ${found.source}): the host name carries none`,
  ]);
  const located = { ...command, region: found.region };
  await checkSignable(located, request);
  return located;
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

function errorTypeOf(answer: Pick<Answer, 'headers'>): string | undefined {
  return headerOf(answer.headers, 'x-amzn-errortype');
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
  const openTerminal = io.openTerminal ?? (await import('./terminal')).openTerminal;
  try {
    return await withinDeadline(
      resolveCredentials(command, {
        env: io.env,
        terminal: () => {
          if (!opened) terminal = openTerminal();
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

/** One hop of the exchange: the answer, and how it was signed (when it was). */
interface Hop {
  answer: Answer;
  signing: SigningDebugInfo | undefined;
}

/**
 * Sends one request: signed when it goes to the origin the user named, otherwise (a redirect to
 * another origin) with no signer header at all. With -v, tells how it was signed and what went
 * out, whatever happens.
 */
async function sendTelling(
  request: OutgoingRequest,
  signed: boolean,
  command: RequestCommand,
  credentials: Credentials,
  transport: TransportOptions,
  log: Log,
): Promise<Hop> {
  const lines: string[] = [];
  let signing: SigningDebugInfo | undefined;
  const onSend: TransportOptions['onSend'] = (sent) =>
    lines.push(...describeSent(sent, credentials.sessionToken));
  try {
    let answer: Answer;
    if (signed) {
      answer = await sendRequest(request, {
        ...transport,
        onSend,
        credentials,
        region: command.region,
        service: command.service,
        onSigned: (info) => {
          if (signing !== undefined) {
            lines.push(
              '* AWS refused the first signature (device clock or expired credentials): signed again',
            );
          }
          signing = info;
          lines.push(...describeSigning(info));
        },
      });
    } else {
      lines.push(`* ${request.url.origin} is another origin: sent without a signature`);
      const streamed = await send(
        { ...request, body: wireBody(request.body) },
        { ...transport, onSend },
      );
      answer = { ...streamed, buffered: undefined };
    }
    await log.verbose([...lines, ...describeAnswer(redactHead(answer, credentials.sessionToken))]);
    return { answer, signing };
  } catch (error) {
    await log.verbose(lines);
    throw error;
  }
}

function redactHead<T extends Pick<Answer, 'statusText' | 'headers'>>(
  answer: T,
  token: string | undefined,
): T {
  return {
    ...answer,
    statusText: redactToken(answer.statusText, token),
    headers: answer.headers.map(([name, value]): [string, string] => [
      redactToken(name, token),
      redactToken(value, token),
    ]),
  };
}

/**
 * On a refused signature: with -v, the canonical request AWS expected beside ours; without, one
 * line saying that -v shows it.
 */
async function explainRefusal(
  hop: Hop,
  command: RequestCommand,
  token: string | undefined,
  log: Log,
): Promise<void> {
  const { answer, signing } = hop;
  const errorType = errorTypeOf(answer);
  // AWS quotes the session token in it: <redacted>, as in our own (the library's debug hook).
  const text = redactToken(answer.buffered?.toString('latin1') ?? '', token);
  if (answer.status < 400 || !isSignatureMismatch(errorType, text)) return;
  const refusal = `AWS refused the signature (${errorType?.split(':')[0] ?? 'SignatureDoesNotMatch'})`;
  const expected = expectedSigning(text);
  if (!command.verbose) {
    await log.say(
      expected === undefined
        ? `${refusal}: run again with -v to see the region and service it was signed for, and AWS's message`
        : `${refusal}: run again with -v to see the canonical request it expected beside ours`,
    );
    return;
  }
  if (signing === undefined) return;
  if (expected === undefined) {
    // AWS names no canonical request when the scope is wrong (region, service): say what ours
    // was, and AWS's own words, so the two can be compared.
    await log.verbose([
      `* ${refusal}; AWS's message: ${messageOf(text)}`,
      `* It was signed for region ${signing.region}, service ${signing.service} (credential scope ${signing.stringToSign.split('\n')[2] ?? '?'}).`,
      '* If AWS expects another region or service, give --region or --service.',
    ]);
    return;
  }
  const lines = compareSigning(expected, signing);
  await log.verbose([`* ${refusal}.`, ...lines.map((line) => `* ${line}`)]);
}

/** AWS's message in a refusal (JSON `message`, XML `<Message>`), on one line. */
function messageOf(text: string): string {
  let message = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; Message?: unknown };
    const field = parsed.message ?? parsed.Message;
    if (typeof field === 'string') message = field;
  } catch {
    message = /<Message>([\s\S]*?)<\/Message>/.exec(text)?.[1] ?? text;
  }
  return JSON.stringify(message.replace(/\s+/g, ' ').trim().slice(0, 300));
}

/** The request a redirect asks for, as curl -L makes it (RFC 9110 §15.4). */
function redirected(request: OutgoingRequest, status: number, location: string): OutgoingRequest {
  const url = new URL(location, request.url);
  // 301, 302 and 303 turn a POST into a GET without a body (curl's default); 307 and 308 keep
  // the method and the body.
  if (status === 303 || ((status === 301 || status === 302) && request.method === 'POST')) {
    return {
      method: status === 303 && request.method === 'HEAD' ? 'HEAD' : 'GET',
      url,
      headers: request.headers.filter(
        ([name]) =>
          !['content-type', 'content-length', 'transfer-encoding'].includes(name.toLowerCase()),
      ),
      body: undefined,
    };
  }
  return { ...request, url };
}

function waitMs(ms: number, deadline: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    deadline?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** curl's wait before a retry: the answer's Retry-After (seconds) if any, else 1 s doubling. */
function retryDelayMs(answer: Answer | undefined, attempt: number): number {
  const retryAfter = answer === undefined ? undefined : headerOf(answer.headers, 'retry-after');
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim())) {
    return Number(retryAfter.trim()) * 1000;
  }
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** attempt, MAX_RETRY_DELAY_MS);
}

async function readCaFile(path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw new CliError(
      EXIT.CACERT_FILE,
      `cannot read --cacert ${path} (${(error as NodeJS.ErrnoException).code ?? 'an error'})`,
    );
  }
}

/**
 * One request as curl would make it: signed, sent, retried (`--retry`), redirects followed
 * (`-L`), the answer written out (`-i`, `-D`, `-o`, `-f`, `-w`).
 */
export async function runRequest(given: RequestCommand, io: Io): Promise<number> {
  const started = performance.now();
  if (given.writeOut !== undefined) checkWriteOut(given.writeOut);
  const body = await readBody(given, io.stdin);
  try {
    return await requestWith(given, body, io, started);
  } finally {
    if (body !== undefined && !Buffer.isBuffer(body.content)) await body.content.close();
  }
}

async function requestWith(
  given: RequestCommand,
  body: Body | undefined,
  io: Io,
  started: number,
): Promise<number> {
  const log = logFor(given, io.stderr);
  const request = outgoingRequest(given, body);
  const command = await withRegion(given, request, io, log);
  const transport: TransportOptions = {
    proxy: proxyFor(request.url, command, io.env),
    insecure: command.insecure,
    ca: await readCaFile(command.cacert),
    connectTimeoutMs: command.connectTimeoutMs,
    signal: undefined,
  };

  const deadline =
    command.maxTimeMs === undefined ? undefined : AbortSignal.timeout(command.maxTimeMs);
  transport.signal = deadline;
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

  const token = credentials.sessionToken;
  const heads: Buffer[] = [];
  let current = request;
  let redirects = 0;
  let attempt = 0;
  let hop: Hop;
  for (;;) {
    const signed = current.url.origin === request.url.origin;
    try {
      hop = await sendTelling(current, signed, command, credentials, transport, log);
    } catch (error) {
      // curl retries timeouts (not --max-time, which ends the whole command).
      const timedOut = error instanceof CliError && error.exitCode === EXIT.TIMEOUT;
      if (timedOut && attempt < command.retry && deadline?.aborted !== true) {
        await log.say(`${error.message}: retrying (${attempt + 1} of ${command.retry})`);
        await waitMs(retryDelayMs(undefined, attempt), deadline);
        attempt += 1;
        continue;
      }
      throw error;
    }
    const { answer } = hop;
    if (TRANSIENT_STATUSES.has(answer.status) && attempt < command.retry) {
      answer.body.resume();
      await log.say(
        `HTTP ${answer.status} from ${current.url.host}: retrying (${attempt + 1} of ${command.retry})`,
      );
      await waitMs(retryDelayMs(answer, attempt), deadline);
      attempt += 1;
      continue;
    }
    const location = headerOf(answer.headers, 'location');
    if (command.location && answer.status >= 300 && answer.status < 400 && location !== undefined) {
      if (redirects >= command.maxRedirs) {
        answer.body.resume();
        throw new CliError(
          EXIT.TOO_MANY_REDIRECTS,
          `more than --max-redirs ${command.maxRedirs} redirects; the last went to ${location}`,
        );
      }
      heads.push(statusAndHeaders(redactHead(answer, token)));
      answer.body.resume();
      current = redirected(current, answer.status, location);
      if (current.body !== undefined && current.url.origin !== request.url.origin) {
        await log.verbose([`* the body goes to ${current.url.origin} unsigned, as given`]);
      }
      redirects += 1;
      continue;
    }
    break;
  }

  const { answer } = hop;
  await explainRefusal(hop, command, token, log);
  const head = statusAndHeaders(redactHead(answer, token));
  const headRedacted = !head.equals(statusAndHeaders(answer));
  heads.push(head);
  if (command.dumpHeader !== undefined) {
    if (command.dumpHeader === '-') await writeTo(io.stdout, Buffer.concat(heads));
    else {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(command.dumpHeader, Buffer.concat(heads)).catch((error: unknown) => {
        throw new CliError(
          EXIT.WRITE,
          `cannot write -D ${command.dumpHeader} (${(error as NodeJS.ErrnoException).code ?? 'an error'})`,
        );
      });
    }
  }
  const failed = answer.status >= 400 && (command.fail || command.failWithBody);
  const failure = async () => {
    const errorType = errorTypeOf(answer)?.split(':')[0];
    await log.say(
      `HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}${errorType ? ` (${errorType})` : ''} from ${current.url.host}`,
    );
    return EXIT.HTTP_ERROR;
  };
  if (failed && !command.failWithBody) {
    answer.body.resume();
    // curl -i -f: the status line and headers are written, then exit 22.
    if (command.include) await writeTo(io.stdout, Buffer.concat(heads));
    return failure();
  }
  let redactedBody = false;
  const output = openOutput(command.output, io.stdout);
  const sizeDownload = await writeBody(answer, {
    output,
    token,
    onRedacted: () => {
      redactedBody = true;
    },
    env: io.env,
    head: command.include ? Buffer.concat(heads) : undefined,
    deadline,
    host: current.url.host,
  });
  // Said of what is written out: the head only with -i (-v's own lines say <redacted> as ever).
  if (redactedBody || (headRedacted && command.include)) await log.say(REDACTION_NOTE);
  if (command.writeOut !== undefined) {
    await writeTo(
      io.stdout,
      writeOut(command.writeOut, {
        status: answer.status,
        timeTotal: (performance.now() - started) / 1000,
        sizeDownload,
        contentType: headerOf(answer.headers, 'content-type'),
        urlEffective: current.url.href,
        redirects,
        method: current.method,
      }),
    );
  }
  return failed ? failure() : EXIT.OK;
}
