import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';

import { CliError } from '../../cli/src/exitCodes';
import { measureUpload } from '../../cli/src/upload';
import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { CLI_BIN, cleanEnv, drain, emptyHome, runCli } from '../helpers/cli';
import { TEST_KEYS } from '../helpers/setup';

/**
 * Uploads stream: `-T`, `--data-binary @file`, `-d @file` and `@-` are hashed in a first pass
 * (stdin copied to a nameless private file as it goes) and sent as they are read, signed with
 * that hash (the library's `apigSigner.payloadHash`). The gateway hashes what it receives, so
 * it judges that the bytes signed are the bytes sent.
 */
const MIB = 1024 * 1024;
const TOTAL_MIB = 200;
const RSS_LIMIT_KB = 150 * 1024;

let gateway: SigV4Gateway;
let home: string;
let cleanupHome: () => void;
let files: string;
/** What the gateway's handler saw of the accepted requests: size and SHA-256 of each body. */
let accepted: Array<{
  method: string;
  path: string;
  size: number;
  sha256: string;
  contentLength: string | undefined;
}> = [];

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv(home, {
    AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_KEYS.sessionToken,
    ...extra,
  });
}

function cli(args: string[], options: { stdin?: Buffer | string; env?: NodeJS.ProcessEnv } = {}) {
  return runCli(['--region', 'us-east-1', ...args], { env: options.env ?? env(), ...options });
}

function headerOf(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Writes `mib` MiB of random bytes in 1 MiB chunks, never holding more; resolves to their hash. */
async function writeRandom(sink: Writable, mib: number): Promise<string> {
  const hash = createHash('sha256');
  for (let i = 0; i < mib; i += 1) {
    const chunk = randomBytes(MIB);
    hash.update(chunk);
    if (!sink.write(chunk)) await new Promise((resolve) => sink.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => {
    sink.once('error', reject);
    sink.end(resolve);
  });
  return hash.digest('hex');
}

beforeAll(async () => {
  ({ home, cleanup: cleanupHome } = emptyHome());
  files = mkdtempSync(join(tmpdir(), 'apig-signer-cli-upload-'));
  gateway = await startSigV4Gateway({
    credentials: [{ ...TEST_KEYS }],
    // No 200 MB bodies kept: the handler notes what each accepted one was.
    maxRecordedRequests: 0,
    handler: (request) => {
      accepted.push({
        method: request.method,
        path: request.path,
        size: request.body.length,
        sha256: sha256(request.body),
        contentLength: headerOf(request.headers, 'content-length'),
      });
      if (request.path === '/prod/moved') {
        return { status: 307, headers: { Location: '/prod/here' }, body: '' };
      }
      const elsewhere = request.query.find(([name]) => name === 'to')?.[1];
      if (elsewhere !== undefined) {
        return { status: 307, headers: { Location: elsewhere }, body: '' };
      }
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        // The headers without the session token (the command would redact it, and say so).
        body: JSON.stringify({
          headers: request.headers.filter(
            ([name]) => name.toLowerCase() !== 'x-amz-security-token',
          ),
          body: request.body.length > MIB ? '' : request.body.toString('latin1'),
        }),
      };
    },
  });
});

beforeEach(() => {
  accepted = [];
});

afterAll(async () => {
  await gateway.close();
  cleanupHome();
  rmSync(files, { recursive: true, force: true });
});

/** Runs the command under GNU time, stdin fed by `feed`; resolves with exit code and peak RSS. */
function measured(
  args: string[],
  feed: (stdin: Writable) => Promise<unknown> = async (stdin) => stdin.end(),
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; rssKb: number; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'rss=%M', process.execPath, CLI_BIN, '--region', 'us-east-1', '-s', '-S', ...args],
      { env: env(extraEnv), stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined);
    child.on('error', fail);
    child.on('close', (code) => {
      const rss = /rss=(\d+)/.exec(stderr);
      if (rss === null) fail(new Error(`no RSS figure: ${stderr}`));
      else done({ code, rssKb: Number(rss[1]), stderr: stderr.replace(/rss=\d+\n?/, '') });
    });
    feed(child.stdin).catch(fail);
  });
}

describe('apig-signer and a 200 MB upload', () => {
  it('-T file: streamed under 150 MB RSS, with Content-Length, and the gateway accepts its hash', async () => {
    const path = join(files, 'big.bin');
    const expected = await writeRandom(createWriteStream(path), TOTAL_MIB);
    const result = await measured(['-T', path, `${gateway.url}/prod/`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(accepted).toEqual([
      {
        method: 'PUT',
        path: '/prod/big.bin',
        size: TOTAL_MIB * MIB,
        sha256: expected,
        contentLength: String(TOTAL_MIB * MIB),
      },
    ]);
    expect(result.rssKb).toBeLessThan(RSS_LIMIT_KB);
    rmSync(path);
  }, 60_000);

  it('--data-binary @- (stdin): copied aside as it is hashed, streamed under 150 MB RSS', async () => {
    let expected = '';
    const result = await measured(
      ['--data-binary', '@-', `${gateway.url}/prod/from-stdin`],
      async (stdin) => {
        expected = await writeRandom(stdin, TOTAL_MIB);
      },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(accepted).toEqual([
      {
        method: 'POST',
        path: '/prod/from-stdin',
        size: TOTAL_MIB * MIB,
        sha256: expected,
        contentLength: String(TOTAL_MIB * MIB),
      },
    ]);
    expect(result.rssKb).toBeLessThan(RSS_LIMIT_KB);
  }, 60_000);
});

describe('apig-signer uploads', () => {
  /** Every byte value, CR, LF and NUL included. */
  const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  function echoed(stdout: Buffer): { headers: Array<[string, string]>; body: Buffer } {
    const echo = JSON.parse(stdout.toString()) as {
      headers: Array<[string, string]>;
      body: string;
    };
    return { headers: echo.headers, body: Buffer.from(echo.body, 'latin1') };
  }

  it('-T file PUTs the file byte for byte with its length and no Content-Type; the URL gets its name', async () => {
    const path = join(files, 'photo 1.jpg');
    writeFileSync(path, ALL_BYTES);
    const result = await cli(['-T', path, `${gateway.url}/prod/`]);
    expect(result.code).toBe(0);
    const { headers, body } = echoed(result.stdout);
    expect(body.equals(ALL_BYTES)).toBe(true);
    expect(headerOf(headers, 'content-length')).toBe('256');
    expect(headerOf(headers, 'content-type')).toBeUndefined();
    expect(accepted).toMatchObject([
      { method: 'PUT', path: '/prod/photo 1.jpg', size: 256, sha256: sha256(ALL_BYTES) },
    ]);
  });

  it('-T keeps a URL that names a file, and -X chooses another method', async () => {
    const path = join(files, 'note.txt');
    writeFileSync(path, 'note');
    const result = await cli(['-T', path, '-X', 'POST', `${gateway.url}/prod/notes/1`]);
    expect(result.code).toBe(0);
    expect(accepted).toMatchObject([{ method: 'POST', path: '/prod/notes/1', size: 4 }]);
  });

  it('-T - and --data-binary @- send stdin byte for byte, with Content-Length', async () => {
    for (const args of [
      ['-T', '-'],
      ['--data-binary', '@-'],
    ]) {
      const result = await cli([...args, `${gateway.url}/prod/stdin`], { stdin: ALL_BYTES });
      expect(result.code).toBe(0);
      const { headers, body } = echoed(result.stdout);
      expect(body.equals(ALL_BYTES)).toBe(true);
      expect(headerOf(headers, 'content-length')).toBe('256');
    }
    expect(accepted.map(({ method, size }) => [method, size])).toEqual([
      ['PUT', 256],
      ['POST', 256],
    ]);
  });

  it('-d @file drops CR, LF and NUL as it streams, joined with text parts by &', async () => {
    const path = join(files, 'form.txt');
    writeFileSync(path, 'a=1\r\nb=2\n\0c=3');
    const result = await cli(['-d', `@${path}`, '-d', 'x=y', '-d', '@-', `${gateway.url}/prod/f`], {
      stdin: 'from=stdin\n',
    });
    expect(result.code).toBe(0);
    const { headers, body } = echoed(result.stdout);
    expect(body.toString()).toBe('a=1b=2c=3&x=y&from=stdin');
    expect(headerOf(headers, 'content-length')).toBe(String(body.length));
    expect(headerOf(headers, 'content-type')).toBe('application/x-www-form-urlencoded');
  });

  it('--data-urlencode name@file encodes the file as it streams', async () => {
    const path = join(files, 'text.txt');
    writeFileSync(path, 'two words&more\n');
    const result = await cli(['--data-urlencode', `q@${path}`, `${gateway.url}/prod/f`]);
    expect(result.code).toBe(0);
    expect(echoed(result.stdout).body.toString()).toBe('q=two%20words%26more%0A');
  });

  it("-H 'Transfer-Encoding: chunked' sends the upload chunked, without a length", async () => {
    const path = join(files, 'chunked.bin');
    writeFileSync(path, ALL_BYTES);
    const result = await cli([
      '-H',
      'Transfer-Encoding: chunked',
      '--data-binary',
      `@${path}`,
      `${gateway.url}/prod/c`,
    ]);
    expect(result.code).toBe(0);
    const { headers, body } = echoed(result.stdout);
    expect(body.equals(ALL_BYTES)).toBe(true);
    expect(headerOf(headers, 'content-length')).toBeUndefined();
    expect(headerOf(headers, 'transfer-encoding')).toBe('chunked');
  });

  it('-L and a 307: the upload is read again from its file and signed again for the new path', async () => {
    const path = join(files, 'again.bin');
    writeFileSync(path, ALL_BYTES);
    const result = await cli(['-L', '-T', path, `${gateway.url}/prod/moved`]);
    expect(result.code).toBe(0);
    expect(accepted.map(({ path: p, size, sha256: hash }) => [p, size, hash])).toEqual([
      ['/prod/moved', 256, sha256(ALL_BYTES)],
      ['/prod/here', 256, sha256(ALL_BYTES)],
    ]);
  });

  it('-L and a 307 to another origin: the upload is read again and sent there with no signature', async () => {
    const path = join(files, 'elsewhere.bin');
    writeFileSync(path, ALL_BYTES);
    let received: { headers: Record<string, unknown>; body: Buffer } | undefined;
    const other = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received = { headers: request.headers, body: Buffer.concat(chunks) };
        response.end('stored');
      });
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const to = `http://127.0.0.1:${(other.address() as AddressInfo).port}/stored`;
      const result = await cli([
        '-L',
        '-T',
        path,
        `${gateway.url}/prod/away?to=${encodeURIComponent(to)}`,
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe('stored');
      expect(received!.body.equals(ALL_BYTES)).toBe(true);
      expect(received!.headers['content-length']).toBe('256');
      for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) {
        expect(received!.headers[name]).toBeUndefined();
      }
      expect(accepted).toMatchObject([{ method: 'PUT', path: '/prod/away', size: 256 }]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('a clock-skew refusal: the upload is read again and re-sent once, signed with the server time', async () => {
    const path = join(files, 'skew.bin');
    writeFileSync(path, ALL_BYTES);
    gateway.clockOffsetMs = 10 * 60_000;
    try {
      const result = await cli(['-v', '-T', path, `${gateway.url}/prod/skew`]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        '* AWS refused the first signature (device clock or expired credentials): signed again\n',
      );
      expect(result.stderr).toContain('< HTTP/1.1 200 OK\n');
      expect(accepted).toMatchObject([
        { path: '/prod/skew', size: 256, sha256: sha256(ALL_BYTES) },
      ]);
    } finally {
      gateway.clockOffsetMs = 0;
    }
  });

  it('-T cannot go with -d or -G: exit 2, nothing read or sent', async () => {
    for (const extra of [['-d', 'a=1'], ['-G']]) {
      const result = await cli(['-T', '/nonexistent', ...extra, `${gateway.url}/prod/x`]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^apig-signer: -T uploads a file with PUT: it cannot go with/);
    }
    expect(accepted).toEqual([]);
  });
});

describe('apig-signer: a file it cannot read', () => {
  const cases: Array<[string[], string]> = [
    [['-d', '@/nonexistent/body'], '-d @/nonexistent/body (ENOENT)'],
    [['--data-binary', '@/nonexistent/body'], '--data-binary @/nonexistent/body (ENOENT)'],
    [['--json', '@/nonexistent/body'], '--json @/nonexistent/body (ENOENT)'],
    [['--data-urlencode', 'q@/nonexistent/body'], '--data-urlencode q@/nonexistent/body (ENOENT)'],
    [['-T', '/nonexistent/body'], '-T /nonexistent/body (ENOENT)'],
    [['-G', '-d', '@/nonexistent/body'], '-d @/nonexistent/body (ENOENT)'],
  ];

  it.each(cases)('%j: exit 26 as curl (8.3+), one line, nothing sent', async (args, named) => {
    const result = await cli([...args, `${gateway.url}/prod/x`]);
    expect(result.code).toBe(26);
    expect(result.stderr).toBe(`apig-signer: cannot read ${named}\n`);
    expect(result.stdout.length).toBe(0);
    expect(accepted).toEqual([]);
  });

  it('a directory: exit 26 (EISDIR); with -s nothing is said, as curl', async () => {
    const said = await cli(['--data-binary', `@${files}`, `${gateway.url}/prod/x`]);
    expect(said.code).toBe(26);
    expect(said.stderr).toBe(`apig-signer: cannot read --data-binary @${files} (EISDIR)\n`);
    const silent = await cli(['-s', '-T', '/nonexistent/body', `${gateway.url}/prod/x`]);
    expect(silent).toMatchObject({ code: 26, stderr: '' });
    expect(accepted).toEqual([]);
  });
});

describe('apig-signer: a file that changes while it is sent', () => {
  it('is cut off before its end (exit 26): the server never receives a whole request', async () => {
    const path = join(files, 'changing.bin');
    const size = 32 * MIB;
    await writeRandom(createWriteStream(path), size / MIB);
    let received = 0;
    let complete = false;
    let changed = false;
    const server = createServer((request, response) => {
      request.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (changed) return;
        changed = true;
        // Held while its last bytes change: the command has not read them yet.
        request.pause();
        writeFileSync(path, Buffer.from('changed'), { flag: 'r+' });
        const tail = Buffer.from('the end, changed');
        const handle = createWriteStream(path, { flags: 'r+', start: size - tail.length });
        handle.end(tail, () => request.resume());
      });
      request.on('end', () => {
        complete = true;
        response.end('accepted');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod/upload`;
      const result = await cli(['-T', path, url]);
      expect(result.code).toBe(26);
      expect(result.stderr).toMatch(/^apig-signer: the upload changed while it was sent/);
      expect(complete).toBe(false);
      expect(received).toBeLessThan(size);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});

describe('apig-signer: the copy of stdin', () => {
  /** The command's open files that are its copy of stdin (Linux: /proc/<pid>/fd). */
  function stdinCopies(pid: number, dir: string): string[] {
    return readdirSync(`/proc/${pid}/fd`)
      .map((fd) => `/proc/${pid}/fd/${fd}`)
      .filter((link) => {
        try {
          return readlinkSync(link).startsWith(dir);
        } catch {
          return false;
        }
      });
  }

  it('has no name from the start, is 0600, and leaves nothing behind after Ctrl-C', async () => {
    const dir = join(files, 'tmp-ctrl-c');
    mkdirSync(dir);
    const child = spawn(
      process.execPath,
      [CLI_BIN, '--region', 'us-east-1', '--data-binary', '@-', `${gateway.url}/prod/x`],
      { env: env({ TMPDIR: dir }), stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    // Killed while stdin is still open: what is left unwritten meets a closed pipe.
    child.stdin.on('error', () => undefined);
    try {
      child.stdin.write(randomBytes(MIB));
      // The command is copying stdin (which stays open) aside: find the copy among its files,
      // once its name is gone (the name lives only between creating the file and removing it).
      let copies: string[] = [];
      for (let i = 0; i < 200; i += 1) {
        copies = stdinCopies(child.pid!, dir);
        if (copies.length > 0 && readlinkSync(copies[0]!).endsWith(' (deleted)')) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(copies).toHaveLength(1);
      expect(readlinkSync(copies[0]!)).toMatch(/\/apig-signer-\w+\/stdin \(deleted\)$/);
      expect(statSync(copies[0]!).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe('SIGINT');
    expect(readdirSync(dir)).toEqual([]);
    expect(accepted).toEqual([]);
  });

  it('leaves nothing behind after a sent upload, nor after a refused one', async () => {
    const dir = join(files, 'tmp-done');
    mkdirSync(dir);
    const sent = await cli(['--data-binary', '@-', `${gateway.url}/prod/x`], {
      stdin: 'body',
      env: env({ TMPDIR: dir }),
    });
    expect(sent.code).toBe(0);
    const refused = await cli(['--data-binary', '@-', `${gateway.url}/prod/x`], {
      stdin: 'body',
      env: env({ TMPDIR: dir, AWS_SECRET_ACCESS_KEY: 'wrong' }),
    });
    expect(refused.code).toBe(0);
    expect(refused.stdout.toString()).toContain(
      'The request signature we calculated does not match',
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('measureUpload', () => {
  const asIs = (bytes: Buffer) => bytes;
  const ALL_BYTES_SHORT = Buffer.from('short');
  /** A stdin that no piece reads. */
  const stdinNever = Readable.from([]);

  it('reads the same bytes each time it is opened, and stdin once for every @- that names it', async () => {
    const path = join(files, 'twice.bin');
    writeFileSync(path, 'file');
    const stdin = Readable.from([Buffer.from('std'), Buffer.from('in')]);
    const upload = await measureUpload(
      [
        { path: '-', reshape: asIs, given: '@-' },
        { bytes: Buffer.from('&') },
        { path, reshape: asIs, given: `@${path}` },
        { bytes: Buffer.from('&') },
        { path: '-', reshape: asIs, given: '@-' },
      ],
      stdin,
    );
    try {
      const expected = 'stdin&file&stdin';
      expect(upload).toMatchObject({ length: expected.length, sha256: sha256(expected) });
      for (let i = 0; i < 2; i += 1) {
        expect((await drain(upload.open())).bytes.toString()).toBe(expected);
      }
    } finally {
      await upload.close();
    }
  });

  it.each([
    ['grew', (path: string) => writeFileSync(path, 'more', { flag: 'a' })],
    ['shrank', (path: string) => writeFileSync(path, ALL_BYTES_SHORT)],
    ['changed in place', (path: string) => writeFileSync(path, 'X', { flag: 'r+' })],
  ])(
    'a file that %s after it was hashed: exit 26, and its last bytes are never let through',
    async (_, change) => {
      const path = join(files, 'change.bin');
      writeFileSync(path, randomBytes(3 * MIB));
      const upload = await measureUpload(
        [{ path, reshape: asIs, given: `-T ${path}` }],
        stdinNever,
      );
      try {
        change(path);
        const { bytes, error } = await drain(upload.open());
        expect(error).toBeInstanceOf(CliError);
        expect(error).toMatchObject({ exitCode: 26 });
        expect(bytes.length).toBeLessThan(upload.length);
      } finally {
        await upload.close();
      }
    },
  );
});
