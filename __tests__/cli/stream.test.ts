import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CLI_BIN, cleanEnv, emptyHome } from '../helpers/cli';
import { TEST_KEYS } from '../helpers/setup';

/**
 * A 200 MB answer, written out as it arrives: the command's peak RSS (GNU time's %M) stays under
 * 150 MB, and its first byte is out before the server sends the rest.
 */
const MIB = 1024 * 1024;
const TOTAL_MIB = 200;
const RSS_LIMIT_KB = 150 * 1024;

let server: Server;
let url: string;
let home: string;
let cleanup: () => void;
let files: string;
/** Resolved by the test when the command's first byte is out. */
let firstByteOut: () => void = () => undefined;
/** Whether the rest of the answer was held until then. */
let restAfterFirstByte = false;

function sendRest(response: ServerResponse, left: number): void {
  const chunk = Buffer.alloc(MIB, 0x61);
  let sent = 0;
  const more = () => {
    while (sent < left) {
      sent += 1;
      if (!response.write(chunk)) {
        response.once('drain', more);
        return;
      }
    }
    response.end();
  };
  more();
}

beforeAll(async () => {
  ({ home, cleanup } = emptyHome());
  files = mkdtempSync(join(tmpdir(), 'apig-signer-cli-stream-'));
  server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    response.write(Buffer.alloc(MIB, 0x61));
    const held = new Promise<boolean>((resolve) => {
      firstByteOut = () => resolve(true);
      // Never stuck: a command that waits for the whole answer gets it after 10 s.
      setTimeout(() => resolve(false), 10_000).unref();
    });
    void held.then((before) => {
      restAfterFirstByte = before;
      sendRest(response, TOTAL_MIB - 1);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  cleanup();
  rmSync(files, { recursive: true, force: true });
});

/** Runs the command under GNU time; resolves with stdout's size, the exit code and peak RSS. */
function measured(args: string[]): Promise<{ code: number | null; bytes: number; rssKb: number }> {
  return new Promise((done, fail) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'rss=%M', process.execPath, CLI_BIN, '--region', 'us-east-1', ...args],
      {
        env: cleanEnv(home, {
          AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey,
          AWS_SESSION_TOKEN: TEST_KEYS.sessionToken,
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (bytes === 0) firstByteOut();
      bytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const rss = /rss=(\d+)/.exec(stderr);
      if (rss === null) fail(new Error(`no RSS figure: ${stderr}`));
      else done({ code, bytes, rssKb: Number(rss[1]) });
    });
  });
}

describe('apig-signer and a 200 MB answer', () => {
  it('streams it to a pipe: under 150 MB RSS, the first byte out before the rest is sent', async () => {
    restAfterFirstByte = false;
    const result = await measured([url]);
    expect(result.code).toBe(0);
    expect(result.bytes).toBe(TOTAL_MIB * MIB);
    expect(restAfterFirstByte).toBe(true);
    expect(result.rssKb).toBeLessThan(RSS_LIMIT_KB);
  }, 60_000);

  it('streams it to -o: under 150 MB RSS, every byte in the file', async () => {
    const path = join(files, 'big.bin');
    const result = await measured(['-o', path, url]);
    expect(result.code).toBe(0);
    expect(statSync(path).size).toBe(TOTAL_MIB * MIB);
    expect(result.rssKb).toBeLessThan(RSS_LIMIT_KB);
    rmSync(path);
  }, 60_000);
});
