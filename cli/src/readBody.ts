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

/** curl's escaping (curl_easy_escape): every byte but RFC 3986's unreserved as %XX. */
function urlEncode(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(character)
      ? character
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `--data-urlencode`: `text`, `=text`, `name=text`, `@file`, `name@file`, as curl reads them. */
async function urlEncoded(argument: DataArgument, readStdin: StdinReader): Promise<Buffer> {
  const { value } = argument;
  const at = value.indexOf('@');
  const equals = value.indexOf('=');
  if (at !== -1 && (equals === -1 || at < equals)) {
    const name = value.slice(0, at);
    const bytes = await fileOrStdin(value.slice(at + 1), argument, readStdin);
    return Buffer.from(`${name === '' ? '' : `${name}=`}${urlEncode(bytes)}`);
  }
  if (equals === -1) return Buffer.from(urlEncode(Buffer.from(value, 'utf8')));
  const name = value.slice(0, equals);
  const text = urlEncode(Buffer.from(value.slice(equals + 1), 'utf8'));
  return Buffer.from(name === '' ? text : `${name}=${text}`);
}

async function fileOrStdin(
  path: string,
  argument: DataArgument,
  readStdin: StdinReader,
): Promise<Buffer> {
  if (path === '-') return readStdin();
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw usageError(`cannot read ${path} (${code}) for ${flagOf(argument)} ${argument.value}`);
  }
}

async function contentOf(argument: DataArgument, readStdin: StdinReader): Promise<Buffer> {
  if (argument.kind === 'urlencode') return urlEncoded(argument, readStdin);
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
  return {
    data: '-d',
    binary: '--data-binary',
    json: '--json',
    urlencode: '--data-urlencode',
  }[argument.kind];
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
