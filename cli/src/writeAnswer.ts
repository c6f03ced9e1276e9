import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { CliError, EXIT } from './exitCodes';
import { prettyJson } from './prettyJson';
import { redactStream } from './redactStream';
import type { Answer } from './sendRequest';

/** A stream that may be a terminal (process.stdout is a tty.WriteStream on one). */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; fd?: number };

/** curl's words for a write failure, with the reason: one line, no stack. */
function writeFailure(error: unknown, where: string): CliError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED'
      ? 'the reader closed the pipe (EPIPE)'
      : (code ?? (error instanceof Error ? error.message : String(error)));
  return new CliError(EXIT.WRITE, `cannot write ${where}: ${why}`);
}

/** Writes and waits until the bytes are handed to the system. */
export function writeTo(stream: NodeJS.WritableStream, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => {
      if (error) reject(writeFailure(error, 'the output'));
      else resolve();
    });
  });
}

/**
 * Colour on a terminal only, and not where the user or the terminal says no: `NO_COLOR`
 * (no-color.org: present and not empty) or `TERM=dumb`.
 */
export function colourAllowed(env: NodeJS.ProcessEnv): boolean {
  const noColour = env['NO_COLOR'];
  return (noColour === undefined || noColour === '') && env['TERM'] !== 'dumb';
}

function isJson(headers: ReadonlyArray<[string, string]>): boolean {
  const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /^application\/([\w.+-]+\+)?json\b/i.test(type.trim());
}

/** The status line and headers as curl -i writes them. */
export function statusAndHeaders(answer: Omit<Answer, 'body' | 'buffered'>): Buffer {
  const lines = [`HTTP/${answer.httpVersion} ${answer.status} ${answer.statusText}`.trimEnd()];
  for (const [name, value] of answer.headers) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Where the body goes: the `-o` file (created now, as curl does) or stdout. */
export function openOutput(
  output: string | undefined,
  stdout: OutputStream,
): { stream: Writable | OutputStream; file: string | undefined } {
  if (output === undefined || output === '-') return { stream: stdout, file: undefined };
  return { stream: createWriteStream(output), file: output };
}

/**
 * Streams the body to its output as it arrives, the session token replaced on the way (even
 * split across chunks). Memory stays bounded whatever the size, except on a terminal, where a
 * JSON body is read whole to be indented (and coloured where {@link colourAllowed}).
 *
 * @returns the number of bytes received.
 * @throws {@link CliError} exit 23 when the output cannot be written (a closed pipe included).
 */
export async function writeBody(
  answer: Answer,
  options: {
    output: { stream: Writable | OutputStream; file: string | undefined };
    token: string | undefined;
    onRedacted: () => void;
    env: NodeJS.ProcessEnv;
    /** Written before the body, to the same output (`-i`). */
    head: Buffer | undefined;
    /** `--max-time`: when it ends the answer, the failure says so. */
    deadline: AbortSignal | undefined;
    host: string;
  },
): Promise<number> {
  const { stream, file } = options.output;
  const where = file ?? 'the output';
  let received = 0;
  let broken: NodeJS.ErrnoException | undefined;
  answer.body.once('error', (error) => {
    broken = error;
  });
  const counted = answer.body.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(null, chunk);
      },
    }),
  );
  answer.body.once('error', (error) => counted.destroy(error));
  const redacting = redactStream(options.token, options.onRedacted);
  const toTerminal = file === undefined && (stream as OutputStream).isTTY === true;
  try {
    if (options.head !== undefined) await writeTo(stream, options.head);
    if (toTerminal && isJson(answer.headers)) {
      const chunks: Buffer[] = [];
      await pipeline(counted, redacting, async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) chunks.push(chunk);
        yield* [];
      });
      const text = Buffer.concat(chunks).toString('utf8');
      const pretty = prettyJson(text, colourAllowed(options.env));
      await writeTo(stream, pretty === undefined ? text : `${pretty}\n`);
      return received;
    }
    await pipeline(counted, redacting, stream as Writable, { end: file !== undefined });
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (options.deadline?.aborted === true) {
      throw new CliError(
        EXIT.TIMEOUT,
        `gave up at --max-time after ${received} bytes of the answer from ${options.host}`,
      );
    }
    // The answer broke off while the body was streaming: not a write failure.
    if (broken !== undefined) {
      throw new CliError(
        EXIT.CONNECTION,
        `the answer from ${options.host} broke off after ${received} bytes (${broken.code ?? broken.message})`,
      );
    }
    throw writeFailure(error, where);
  }
  return received;
}
