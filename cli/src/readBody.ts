import { readFile } from 'node:fs/promises';

import { urlEncode } from './curlEscape';
import { CliError, EXIT } from './exitCodes';
import type { DataArgument, RequestCommand } from './parseCommandLine';
import { measureUpload } from './upload';
import type { Piece, Upload } from './upload';

/** Where `@-` reads from: the process's stdin, read once however many arguments name it. */
export type StdinReader = () => Promise<Buffer>;

/** The body (or, with `-G`, the query text) the data arguments or `-T` make. */
export interface Body {
  /**
   * The bytes, when every part is given on the command line (and with `-G`); an upload, hashed
   * in a first pass and streamed, when a part is a file or stdin.
   */
  content: Buffer | Upload;
  /** `'json'` for `--json`, `'form'` for `-d`/`--data-binary`, `'upload'` for `-T`. */
  kind: 'json' | 'form' | 'upload';
}

/** curl's `-d @file` reads text: carriage returns, line feeds and NUL bytes are dropped. */
const dropLineBreaks = (bytes: Buffer): Buffer =>
  Buffer.from(bytes.filter((b) => b !== 0x0a && b !== 0x0d && b !== 0x00));

const asIs = (bytes: Buffer): Buffer => bytes;

/**
 * Where `--data-urlencode`'s `name@file` splits, or -1 for text: as curl, an argument with an `=`
 * anywhere is `name=text` (so `a@b=c` is the name `a@b`), and only one without is a file.
 */
function fileSeparator(value: string): number {
  return value.includes('=') ? -1 : value.indexOf('@');
}

/** Whether a data argument is text on the command line rather than a file or stdin. */
function isText({ kind, value }: DataArgument): boolean {
  return kind === 'urlencode' ? fileSeparator(value) === -1 : !value.startsWith('@');
}

/** `--data-urlencode`'s `@file` and `name@file`, as curl reads them (text is {@link textOf}). */
async function urlEncodedFile(argument: DataArgument, readStdin: StdinReader): Promise<Buffer> {
  const { value } = argument;
  const at = fileSeparator(value);
  const name = value.slice(0, at);
  const bytes = await fileOrStdin(value.slice(at + 1), argument, readStdin);
  return Buffer.from(`${name === '' ? '' : `${name}=`}${urlEncode(bytes)}`);
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
    throw cannotRead(argument, error);
  }
}

/** curl's exit 26 for a file it cannot read (curl 8.3 and later; older ones sent an empty body). */
function cannotRead(argument: DataArgument, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code ?? 'an error';
  return new CliError(EXIT.READ, `cannot read ${flagOf(argument)} ${argument.value} (${code})`, {
    cause: error,
  });
}

async function contentOf(argument: DataArgument, readStdin: StdinReader): Promise<Buffer> {
  if (isText(argument)) return textOf(argument);
  if (argument.kind === 'urlencode') return urlEncodedFile(argument, readStdin);
  const bytes = await fileOrStdin(argument.value.slice(1), argument, readStdin);
  return argument.kind === 'data' ? dropLineBreaks(bytes) : bytes;
}

function flagOf(argument: DataArgument): string {
  return {
    data: '-d',
    binary: '--data-binary',
    json: '--json',
    urlencode: '--data-urlencode',
  }[argument.kind];
}

/** The pieces of one data argument: its text, or the file (or stdin) it names. */
function piecesOf(argument: DataArgument): Piece[] {
  const { kind, value } = argument;
  const given = `${flagOf(argument)} ${value}`;
  if (kind === 'urlencode') {
    const at = fileSeparator(value);
    if (at === -1) return [];
    const name = value.slice(0, at);
    const encode = (bytes: Buffer) => Buffer.from(urlEncode(bytes), 'latin1');
    return [
      ...(name === '' ? [] : [{ bytes: Buffer.from(`${name}=`) }]),
      { path: value.slice(at + 1), reshape: encode, given },
    ];
  }
  if (!value.startsWith('@')) return [];
  return [{ path: value.slice(1), reshape: kind === 'data' ? dropLineBreaks : asIs, given }];
}

/**
 * Joins the data arguments as curl does: `-d` and `--data-binary` parts with `&`, `--json`
 * parts end to end; or takes `-T`'s file. A part that is a file or stdin makes the body an
 * {@link Upload}, streamed in bounded memory (with `-G` the data is the query, read whole).
 * `undefined` when there is no body.
 *
 * @throws {@link CliError} exit 26 (curl's read error) for a file that cannot be read.
 */
export async function readBody(
  command: Pick<RequestCommand, 'data' | 'uploadFile' | 'get'>,
  stdin: NodeJS.ReadableStream,
): Promise<Body | undefined> {
  const { data, uploadFile } = command;
  if (uploadFile !== undefined) {
    const path = uploadFile === '.' ? '-' : uploadFile;
    const given = `-T ${uploadFile}`;
    const upload = await measureUpload([{ path, reshape: asIs, given }], stdin);
    return { content: upload, kind: 'upload' };
  }
  if (data.length === 0) return undefined;
  const kind = data.every((argument) => argument.kind === 'json') ? 'json' : 'form';
  const separator = kind === 'form' ? [{ bytes: Buffer.from('&') }] : [];
  const streamed = !command.get && data.some((argument) => piecesOf(argument).length > 0);
  if (streamed) {
    const pieces: Piece[] = [];
    data.forEach((argument, index) => {
      if (index > 0) pieces.push(...separator);
      const files = piecesOf(argument);
      // Text parts are turned into bytes as before; only files and stdin are streamed.
      pieces.push(...(files.length > 0 ? files : [{ bytes: textOf(argument) }]));
    });
    return { content: await measureUpload(pieces, stdin), kind };
  }
  const readStdin = onceReader(stdin);
  const parts: Buffer[] = [];
  for (const argument of data) parts.push(await contentOf(argument, readStdin));
  if (kind === 'json') return { content: Buffer.concat(parts), kind };
  const joined: Buffer[] = [];
  parts.forEach((part, index) => {
    if (index > 0) joined.push(Buffer.from('&'));
    joined.push(part);
  });
  return { content: Buffer.concat(joined), kind };
}

/**
 * A part given as text on the command line, as it is sent: `--data-urlencode`'s `text`, `=text`
 * and `name=text` escaped as curl does, any other kind's text as it is.
 */
function textOf(argument: DataArgument): Buffer {
  if (argument.kind !== 'urlencode') return Buffer.from(argument.value, 'utf8');
  const { value } = argument;
  const equals = value.indexOf('=');
  if (equals === -1) return Buffer.from(urlEncode(Buffer.from(value, 'utf8')));
  const name = value.slice(0, equals);
  const text = urlEncode(Buffer.from(value.slice(equals + 1), 'utf8'));
  return Buffer.from(name === '' ? text : `${name}=${text}`);
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
