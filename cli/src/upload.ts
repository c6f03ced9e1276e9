import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { CliError, EXIT } from './exitCodes';

/** Turns a file's bytes into the body's (curl's `-d` drops line breaks, `--data-urlencode` encodes). */
export type Reshape = (chunk: Buffer) => Buffer;

/** One piece of a body: bytes from the command line, or a file (or stdin) read in chunks. */
export type Piece =
  | { bytes: Buffer }
  | {
      /** A path, or `-` for stdin. */
      path: string;
      reshape: Reshape;
      /** How the message names the argument: `--data-binary @photo.jpg`. */
      given: string;
    };

/**
 * A body read from files or stdin: hashed in a first pass, then streamed, so that it is never
 * held in memory. Stdin cannot be read twice: it is copied to a private file as it is hashed.
 */
export interface Upload {
  /** Bytes the body has: sent as Content-Length. */
  length: number;
  /** The body's SHA-256 in hex, signed as its payload hash. */
  sha256: string;
  /**
   * The body, read afresh each time (a redirect or `--retry` sends it again). Its last chunk is
   * held back until the bytes read are found to be the ones hashed: a file that changed since
   * fails the stream with exit 26 before the request is complete, so no server ever receives a
   * whole request whose body differs from the one signed.
   */
  open(): Readable;
  /** Closes the files (and so frees the copy of stdin). */
  close(): Promise<void>;
}

/**
 * A file for the copy of stdin, readable and writable, 0600 in a 0700 directory of the system's
 * temporary folder. Both are removed at once: the file lives on, nameless, while it is open, and
 * disappears with the process however it ends (Ctrl-C and kill included).
 */
async function nameless(): Promise<FileHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'apig-signer-'));
  try {
    return await open(join(directory, 'stdin'), 'wx+', 0o600);
  } finally {
    await rm(directory, { recursive: true, force: true }).catch(() => undefined);
  }
}

function readError(given: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'an error';
  return new CliError(EXIT.READ, `cannot read ${given} (${code})`, { cause: error });
}

/** The chunks of a file, from its start (positional reads: any number of passes at once). */
async function* chunksOf(handle: FileHandle): AsyncGenerator<Buffer> {
  const stream = handle.createReadStream({ start: 0, autoClose: false, emitClose: false });
  for await (const chunk of stream) yield chunk as Buffer;
}

/**
 * Opens every file of the body and reads it once, hashing the body's bytes and counting them;
 * stdin (read once, however many pieces name it) and a file that is not a regular one (a pipe:
 * `@<(command)`, `@/dev/stdin`) are copied to a nameless file as they go.
 *
 * @throws {@link CliError} exit 26 (curl's read error) for a file that cannot be opened or read.
 */
export async function measureUpload(
  pieces: readonly Piece[],
  stdin: NodeJS.ReadableStream,
): Promise<Upload> {
  const handles: FileHandle[] = [];
  let stdinCopy: FileHandle | undefined;
  const close = async () => {
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
  };
  const hash = createHash('sha256');
  let length = 0;
  const add = (bytes: Buffer) => {
    hash.update(bytes);
    length += bytes.length;
  };
  const sources: Array<
    { bytes: Buffer } | { handle: FileHandle; reshape: Reshape; given: string }
  > = [];
  try {
    for (const piece of pieces) {
      if ('bytes' in piece) {
        add(piece.bytes);
        sources.push(piece);
        continue;
      }
      const { reshape, given } = piece;
      /** Copies a stream that can be read only once to a nameless file, hashing it as it goes. */
      const copyOf = async (stream: AsyncIterable<unknown>): Promise<FileHandle> => {
        const copy = await nameless();
        handles.push(copy);
        let position = 0;
        try {
          for await (const raw of stream) {
            const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
            await copy.write(chunk, 0, chunk.length, position);
            position += chunk.length;
            add(reshape(chunk));
          }
        } catch (error) {
          throw readError(given, error);
        }
        sources.push({ handle: copy, reshape, given });
        return copy;
      };
      if (piece.path === '-' && stdinCopy === undefined) {
        stdinCopy = await copyOf(stdin);
        continue;
      }
      let handle = stdinCopy;
      if (piece.path !== '-') {
        try {
          handle = await open(piece.path, 'r');
        } catch (error) {
          throw readError(given, error);
        }
        handles.push(handle);
        // A pipe (`@<(command)`, `@/dev/stdin`, a FIFO) is read once, from where it stands:
        // copied as stdin is (positional reads of it fail with ESPIPE).
        let regular: boolean;
        try {
          regular = (await handle.stat()).isFile();
        } catch (error) {
          throw readError(given, error);
        }
        if (!regular) {
          await copyOf(handle.createReadStream({ autoClose: false, emitClose: false }));
          continue;
        }
      }
      const source = { handle: handle as FileHandle, reshape, given };
      try {
        for await (const chunk of chunksOf(source.handle)) add(reshape(chunk));
      } catch (error) {
        throw readError(given, error);
      }
      sources.push(source);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const sha256 = hash.digest('hex');

  async function* body(): AsyncGenerator<Buffer> {
    for (const source of sources) {
      if ('bytes' in source) {
        yield source.bytes;
        continue;
      }
      try {
        for await (const chunk of chunksOf(source.handle)) yield source.reshape(chunk);
      } catch (error) {
        throw readError(source.given, error);
      }
    }
  }

  return { length, sha256, open: () => Readable.from(checked(body(), length, sha256)), close };
}

/** The changed-file failure: nothing complete was sent. */
function changed(): CliError {
  return new CliError(
    EXIT.READ,
    'the upload changed while it was sent (its bytes are no longer the ones signed): the request was cut off before its end; send it again',
  );
}

/**
 * Passes the body through, holding back its last chunk until its hash is found right. A
 * generator, so nothing is read before the stream is (an upload opened but never sent reads
 * nothing, and fails nothing).
 */
async function* checked(
  body: AsyncIterable<Buffer>,
  length: number,
  sha256: string,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let seen = 0;
  let held: Buffer | undefined;
  for await (const chunk of body) {
    // An empty chunk (a last read that `-d` reduced to nothing) is never the one held back: the
    // bytes before it would all be let through.
    if (chunk.length === 0) continue;
    seen += chunk.length;
    if (seen > length) throw changed();
    hash.update(chunk);
    if (held !== undefined) yield held;
    held = chunk;
  }
  if (seen !== length || hash.digest('hex') !== sha256) throw changed();
  if (held !== undefined) yield held;
}
