import { writeFile } from 'node:fs/promises';

import { CliError, EXIT } from './exitCodes';
import { prettyJson } from './prettyJson';
import type { Answer } from './sendRequest';

/** A stream that may be a terminal (process.stdout is a tty.WriteStream on one). */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** Writes and waits until the bytes are handed to the system. */
export function writeTo(stream: NodeJS.WritableStream, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => {
      if (error) reject(new CliError(EXIT.WRITE, `cannot write the output: ${error.message}`));
      else resolve();
    });
  });
}

/** `NO_COLOR` (no-color.org): present and not empty turns colour off. */
export function colourAllowed(env: NodeJS.ProcessEnv): boolean {
  const noColour = env['NO_COLOR'];
  return noColour === undefined || noColour === '';
}

function isJson(headers: ReadonlyArray<[string, string]>): boolean {
  const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /^application\/([\w.+-]+\+)?json\b/i.test(type.trim());
}

function statusAndHeaders(answer: Answer): string {
  const lines = [`HTTP/${answer.httpVersion} ${answer.status} ${answer.statusText}`.trimEnd()];
  for (const [name, value] of answer.headers) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Writes the answer where it belongs: `-o` file or stdout, with `-i` the status line and headers
 * first. The body is written byte for byte, except on a terminal, where a JSON body is indented
 * (and coloured unless `NO_COLOR` is set).
 *
 * @throws {@link CliError} exit 23 when the output cannot be written.
 */
export async function writeAnswer(
  answer: Answer,
  options: { include: boolean; output: string | undefined },
  stdout: OutputStream,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const head = options.include ? Buffer.from(statusAndHeaders(answer), 'latin1') : undefined;
  if (options.output !== undefined && options.output !== '-') {
    try {
      await writeFile(
        options.output,
        head === undefined ? answer.body : Buffer.concat([head, answer.body]),
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'an error';
      throw new CliError(EXIT.WRITE, `cannot write ${options.output} (${code})`);
    }
    return;
  }
  if (head !== undefined) await writeTo(stdout, head);
  let body: string | Buffer = answer.body;
  if (stdout.isTTY === true && isJson(answer.headers)) {
    const pretty = prettyJson(answer.body.toString('utf8'), colourAllowed(env));
    if (pretty !== undefined) body = `${pretty}\n`;
  }
  await writeTo(stdout, body);
}
