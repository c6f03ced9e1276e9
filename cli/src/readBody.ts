import { readFile } from 'node:fs/promises';

import { usageError } from './exitCodes';
import type { DataArgument } from './parseCommandLine';

/** Where `@-` reads from: the process's stdin, read once however many arguments name it. */
export type StdinReader = () => Promise<Buffer>;

/** The body (or, with `-G`, the query text) the data arguments make. */
export interface Body {
  bytes: Buffer;
  /** `'json'` when the body came from `--json`, `'form'` for `-d`/`--data-binary`. */
  kind: 'json' | 'form';
}

async function contentOf(argument: DataArgument, readStdin: StdinReader): Promise<Buffer> {
  if (!argument.value.startsWith('@')) return Buffer.from(argument.value, 'utf8');
  const path = argument.value.slice(1);
  let bytes: Buffer;
  if (path === '-') {
    bytes = await readStdin();
  } else {
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'an error';
      throw usageError(`cannot read ${path} (${code}) for ${flagOf(argument)} @${path}`);
    }
  }
  // curl's -d reads a file as text and drops its carriage returns and newlines.
  return argument.kind === 'data'
    ? Buffer.from(bytes.filter((b) => b !== 0x0a && b !== 0x0d))
    : bytes;
}

function flagOf(argument: DataArgument): string {
  return { data: '-d', binary: '--data-binary', json: '--json' }[argument.kind];
}

/**
 * Joins the data arguments as curl does: `-d` and `--data-binary` parts with `&`, `--json`
 * parts end to end. `undefined` when there are none.
 */
export async function readBody(
  data: readonly DataArgument[],
  readStdin: StdinReader,
): Promise<Body | undefined> {
  if (data.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const argument of data) parts.push(await contentOf(argument, readStdin));
  const json = data.every((argument) => argument.kind === 'json');
  if (json) return { bytes: Buffer.concat(parts), kind: 'json' };
  const joined: Buffer[] = [];
  parts.forEach((part, index) => {
    if (index > 0) joined.push(Buffer.from('&'));
    joined.push(part);
  });
  return { bytes: Buffer.concat(joined), kind: 'form' };
}

/** Reads a stream to its end, once; later calls get the same bytes. */
export function onceReader(stream: NodeJS.ReadableStream): StdinReader {
  let read: Promise<Buffer> | undefined;
  return () => {
    read ??= (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      }
      return Buffer.concat(chunks);
    })();
    return read;
  };
}
