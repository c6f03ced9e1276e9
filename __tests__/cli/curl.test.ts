import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { CLI_BIN, cleanEnv, emptyHome, runCli, selfSignedCertificate } from '../helpers/cli';
import { TEST_KEYS } from '../helpers/setup';

/**
 * curl's options and exit codes, run as the real command against startSigV4Gateway (which judges
 * every signature), a small proxy, an https server with a certificate made for the test, and
 * plain servers that misbehave on purpose.
 */
let gateway: SigV4Gateway;
let other: SigV4Gateway;
let home: string;
let cleanupHome: () => void;
let files: string;
let transientLeft = 0;

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

function headersOf(request: { headers: Array<[string, string]> }, name: string): string[] {
  return request.headers.filter(([n]) => n.toLowerCase() === name).map(([, value]) => value);
}

function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port));
  });
}

function close(server: { close: (callback: () => void) => unknown }): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
  });
}

beforeAll(async () => {
  ({ home, cleanup: cleanupHome } = emptyHome());
  files = mkdtempSync(join(tmpdir(), 'apig-signer-cli-curl-'));
  other = await startSigV4Gateway({ credentials: [{ ...TEST_KEYS }] });
  gateway = await startSigV4Gateway({
    credentials: [{ ...TEST_KEYS }],
    handler: (request) => {
      if (request.path === '/prod/same') {
        return { status: 302, headers: { Location: '/prod/target' }, body: '' };
      }
      if (request.path === '/prod/away') {
        return { status: 307, headers: { Location: `${other.url}/prod/there` }, body: '' };
      }
      if (request.path === '/prod/loop') {
        return { status: 302, headers: { Location: '/prod/loop' }, body: '' };
      }
      if (request.path === '/prod/flaky' && transientLeft > 0) {
        transientLeft -= 1;
        return { status: 503, headers: { 'Retry-After': '0' }, body: 'busy' };
      }
      if (request.path === '/prod/teapot') {
        return { status: 418, headers: { 'Content-Type': 'text/plain' }, body: 'short and stout' };
      }
      return undefined;
    },
  });
});

afterAll(async () => {
  await gateway.close();
  await other.close();
  cleanupHome();
  rmSync(files, { recursive: true, force: true });
});

describe('apig-signer: what goes on the wire', () => {
  it('-X POST without data sends neither Content-Type nor Content-Length, and is signed', async () => {
    const result = await cli(['-X', 'POST', `${gateway.url}/prod/empty`]);
    expect(result.code).toBe(0);
    const received = gateway.requests.at(-1)!;
    expect(received.verdict.accepted).toBe(true);
    expect(received.method).toBe('POST');
    expect(headersOf(received, 'content-type')).toEqual([]);
    expect(headersOf(received, 'content-length')).toEqual([]);
    expect(headersOf(received, 'transfer-encoding')).toEqual([]);
  });

  it('a header given twice goes as two lines, in the order given, and the signature holds', async () => {
    const result = await cli(['-H', 'X-Tag: one', '-H', 'X-Tag: two', `${gateway.url}/prod/tags`]);
    expect(result.code).toBe(0);
    const received = gateway.requests.at(-1)!;
    expect(received.verdict.accepted).toBe(true);
    expect(headersOf(received, 'x-tag')).toEqual(['one', 'two']);
  });

  it('-H Authorization is refused with a message, exit 2, nothing sent', async () => {
    const before = gateway.requests.length;
    const result = await cli(['-H', 'Authorization: Bearer abc', `${gateway.url}/prod/notes`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^apig-signer: -H Authorization: the signature is sent in the Authorization header/,
    );
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(gateway.requests.length).toBe(before);
  });

  it("-H 'Transfer-Encoding: chunked' with -d sends the body chunked, without Content-Length", async () => {
    const result = await cli([
      '-H',
      'Transfer-Encoding: chunked',
      '-d',
      'a=1',
      `${gateway.url}/prod/chunked`,
    ]);
    expect(result.code).toBe(0);
    const received = gateway.requests.at(-1)!;
    expect(received.verdict.accepted).toBe(true);
    expect(headersOf(received, 'transfer-encoding')).toEqual(['chunked']);
    expect(headersOf(received, 'content-length')).toEqual([]);
    expect(received.body.toString()).toBe('a=1');
  });

  it('--data-urlencode encodes as curl: text, name=text, name@file, joined with -d in order', async () => {
    const path = join(files, 'note.txt');
    writeFileSync(path, 'a&b c\n');
    const result = await cli([
      '-d',
      'first=1',
      '--data-urlencode',
      'q=two words&more',
      '--data-urlencode',
      `file@${path}`,
      '--data-urlencode',
      '=é~',
      `${gateway.url}/prod/form`,
    ]);
    expect(result.code).toBe(0);
    const received = gateway.requests.at(-1)!;
    expect(received.verdict.accepted).toBe(true);
    expect(received.body.toString()).toBe('first=1&q=two%20words%26more&file=a%26b%20c%0A&%C3%A9~');
  });

  it("--data-urlencode splits at the first '=' when there is one, as curl does: 'a@b=c' is text, not a file", async () => {
    const result = await cli([
      '--data-urlencode',
      'user@example.org=a b',
      '--data-urlencode',
      '@=x',
      `${gateway.url}/prod/form`,
    ]);
    expect(result.code).toBe(0);
    const received = gateway.requests.at(-1)!;
    expect(received.verdict.accepted).toBe(true);
    expect(received.body.toString()).toBe('user@example.org=a%20b&@=x');
  });

  it('-I sends a signed HEAD and prints the status line and headers', async () => {
    const result = await cli(['-I', `${gateway.url}/prod/notes`]);
    expect(result.code).toBe(0);
    expect(gateway.requests.at(-1)!.method).toBe('HEAD');
    expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
    expect(result.stdout.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
  });
});

describe('apig-signer: output options', () => {
  it('-w prints the code, size, type and URL after the body', async () => {
    const result = await cli([
      '-w',
      '\\n%{http_code} %{size_download} %{content_type} %{url_effective} %{time_total}\\n',
      `${gateway.url}/prod/teapot`,
    ]);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toMatch(
      new RegExp(
        `^short and stout\\n418 15 text/plain ${gateway.url.replace(/\./g, '\\.')}/prod/teapot \\d+\\.\\d{6}\\n$`,
      ),
    );
  });

  it('-w with an unknown variable is bad input, exit 2, nothing sent', async () => {
    const before = gateway.requests.length;
    const result = await cli(['-w', '%{nope}', `${gateway.url}/prod/notes`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^apig-signer: -w: %\{nope\} is not a variable/);
    expect(gateway.requests.length).toBe(before);
  });

  it('-D writes the status line and headers to a file, the body to stdout', async () => {
    const path = join(files, 'head.txt');
    const result = await cli(['-D', path, `${gateway.url}/prod/teapot`]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('short and stout');
    expect(readFileSync(path, 'latin1')).toMatch(
      /^HTTP\/1\.1 418 I'm a Teapot\r\n[\s\S]*Content-Type: text\/plain\r\n[\s\S]*\r\n\r\n$/i,
    );
  });

  it('-i -f prints the status line and headers, no body, and exits 22 (as curl)', async () => {
    const result = await cli(['-i', '-f', `${gateway.url}/prod/teapot`]);
    expect(result.code).toBe(22);
    const text = result.stdout.toString();
    expect(text).toMatch(/^HTTP\/1\.1 418 /);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(text).not.toContain('short and stout');
  });

  it('--fail-with-body prints the body and exits 22', async () => {
    const result = await cli(['--fail-with-body', `${gateway.url}/prod/teapot`]);
    expect(result.code).toBe(22);
    expect(result.stdout.toString()).toBe('short and stout');
    expect(result.stderr).toMatch(/^apig-signer: HTTP 418 .* from 127\.0\.0\.1:\d+\n$/);
  });
});

describe('apig-signer -L', () => {
  it('follows a redirect to the same origin and signs it again', async () => {
    const before = gateway.requests.length;
    const result = await cli(['-L', '-w', '%{url_effective}', `${gateway.url}/prod/same`]);
    expect(result.code).toBe(0);
    const received = gateway.requests.slice(before);
    expect(received.map((r) => [r.path, r.verdict.accepted])).toEqual([
      ['/prod/same', true],
      ['/prod/target', true],
    ]);
    expect(result.stdout.toString()).toMatch(/\/prod\/target$/);
  });

  it('to another origin, sends no signer header and no session token; 307 keeps the body', async () => {
    const result = await cli(['-L', '-d', 'x=1', `${gateway.url}/prod/away`]);
    expect(result.code).toBe(0);
    const there = other.requests.at(-1)!;
    expect(there.path).toBe('/prod/there');
    expect(there.method).toBe('POST');
    expect(there.body.toString()).toBe('x=1');
    const names = there.headers.map(([name]) => name.toLowerCase());
    expect(names).not.toContain('authorization');
    expect(names).not.toContain('x-amz-date');
    expect(names).not.toContain('x-amz-security-token');
    expect(JSON.stringify(there.headers)).not.toContain(TEST_KEYS.sessionToken);
  });

  it('without -L, a redirect is the answer', async () => {
    const before = gateway.requests.length;
    const result = await cli(['-w', '%{http_code}', `${gateway.url}/prod/same`]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('302');
    expect(gateway.requests.length).toBe(before + 1);
  });

  it('--max-redirs: more redirects than allowed exit 47', async () => {
    const result = await cli(['-L', '--max-redirs', '2', `${gateway.url}/prod/loop`]);
    expect(result.code).toBe(47);
    expect(result.stderr).toMatch(/^apig-signer: more than --max-redirs 2 redirects/);
  });
});

describe('apig-signer --retry', () => {
  it('retries HTTP 503 (waiting Retry-After), each attempt signed afresh', async () => {
    transientLeft = 2;
    const before = gateway.requests.length;
    const result = await cli(['--retry', '3', `${gateway.url}/prod/flaky`]);
    expect(result.code).toBe(0);
    const received = gateway.requests.slice(before);
    expect(received).toHaveLength(3);
    expect(received.every((r) => r.verdict.accepted)).toBe(true);
    expect(result.stderr).toContain('HTTP 503 from');
  });

  it('without --retry, the 503 is the answer', async () => {
    transientLeft = 1;
    const result = await cli(['-w', ' %{http_code}', `${gateway.url}/prod/flaky`]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('busy 503');
    transientLeft = 0;
  });
});

describe('apig-signer through a proxy', () => {
  let proxy: Server;
  let proxyPort: number;
  const seen: string[] = [];
  const tunnels: Array<{ destroy: () => void }> = [];

  beforeAll(async () => {
    // A forward proxy: absolute-form requests for http://, CONNECT tunnels for https://.
    proxy = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      const target = new URL(request.url ?? '');
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: `${target.pathname}${target.search}`,
          headers: request.headers,
        },
        (answer: IncomingMessage) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => undefined);
      request.pipe(upstream);
    });
    proxy.on('connect', (request: IncomingMessage, socket) => {
      seen.push(`CONNECT ${request.url}`);
      const [host, port] = (request.url ?? '').split(':');
      // Either side may hang up first (the command exits when it has its answer).
      socket.on('error', () => undefined);
      const upstream = netConnect(Number(port), host, () => {
        tunnels.push(socket, upstream);
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => undefined);
    });
    proxyPort = await listen(proxy);
  });
  afterAll(() => {
    for (const socket of tunnels) socket.destroy();
    proxy.closeAllConnections();
    return close(proxy);
  });

  it('-x sends an http:// request through the proxy, signed for the gateway', async () => {
    seen.length = 0;
    const result = await cli([
      '-x',
      `http://127.0.0.1:${proxyPort}`,
      `${gateway.url}/prod/viaproxy`,
    ]);
    expect(result.code).toBe(0);
    expect(seen).toEqual([`GET ${gateway.url}/prod/viaproxy`]);
    expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
  });

  it('HTTP_PROXY is used for http://; NO_PROXY lists the hosts that bypass it', async () => {
    seen.length = 0;
    const proxied = await cli([`${gateway.url}/prod/env`], {
      env: env({ HTTP_PROXY: `127.0.0.1:${proxyPort}` }),
    });
    expect(proxied.code).toBe(0);
    expect(seen).toEqual([`GET ${gateway.url}/prod/env`]);
    seen.length = 0;
    const direct = await cli([`${gateway.url}/prod/env`], {
      env: env({ HTTP_PROXY: `127.0.0.1:${proxyPort}`, NO_PROXY: 'example.com,127.0.0.1' }),
    });
    expect(direct.code).toBe(0);
    expect(seen).toEqual([]);
  });

  it('a proxy that does not listen: exit 7, the message names the proxy and where it came from', async () => {
    const closed = createNetServer();
    const port = await listen(closed);
    await close(closed);
    const result = await cli([`${gateway.url}/prod/env`], {
      env: env({ HTTP_PROXY: `http://127.0.0.1:${port}` }),
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toBe(
      `apig-signer: cannot reach the proxy 127.0.0.1:${port} (HTTP_PROXY): ECONNREFUSED\n`,
    );
  });

  describe('and TLS', () => {
    let https: ReturnType<typeof createHttpsServer>;
    let httpsUrl: string;
    let certPath: string;

    beforeAll(async () => {
      const tls = selfSignedCertificate(files);
      certPath = tls.certPath;
      // An https front for the gateway: forwards each request unchanged (Host included), so
      // the gateway judges the signature made for the https origin.
      https = createHttpsServer({ key: tls.key, cert: tls.cert }, (request, response) => {
        const upstream = httpRequest(
          `${gateway.url}${request.url}`,
          { method: request.method, headers: request.headers },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        upstream.on('error', () => undefined);
        request.pipe(upstream);
      });
      httpsUrl = `https://127.0.0.1:${await listen(https)}`;
    });
    afterAll(() => {
      https.closeAllConnections();
      return close(https);
    });

    it('an untrusted certificate exits 60, nothing sent, and says --cacert or -k', async () => {
      const before = gateway.requests.length;
      const result = await cli([`${httpsUrl}/prod/tls`]);
      expect(result.code).toBe(60);
      expect(result.stderr).toMatch(
        /^apig-signer: the certificate of 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\): give its CA with --cacert/,
      );
      expect(gateway.requests.length).toBe(before);
    });

    it('--cacert trusts the certificate; the signed call is accepted', async () => {
      const result = await cli(['--cacert', certPath, `${httpsUrl}/prod/tls`]);
      expect(result.code).toBe(0);
      expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
    });

    it('-k accepts it without checking', async () => {
      const result = await cli(['-k', `${httpsUrl}/prod/tls`]);
      expect(result.code).toBe(0);
    });

    it('an unreadable --cacert exits 77', async () => {
      const result = await cli(['--cacert', join(files, 'missing.pem'), `${httpsUrl}/prod/tls`]);
      expect(result.code).toBe(77);
    });

    it('HTTPS_PROXY: https:// goes through a CONNECT tunnel, signed end to end', async () => {
      seen.length = 0;
      const result = await cli(['--cacert', certPath, `${httpsUrl}/prod/tunnel`], {
        env: env({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` }),
      });
      expect(result.code).toBe(0);
      expect(seen).toEqual([`CONNECT ${httpsUrl.replace('https://', '')}`]);
      expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
    });

    it('https:// to a server that speaks plain HTTP: the handshake fails, exit 35', async () => {
      const result = await cli([`${gateway.url.replace('http://', 'https://')}/prod/tls`]);
      expect(result.code).toBe(35);
      expect(result.stderr).toMatch(/^apig-signer: the TLS handshake with 127\.0\.0\.1:\d+ failed/);
    });
  });
});

describe('apig-signer timeouts', () => {
  it('--connect-timeout: a server that never completes the TLS handshake, exit 28', async () => {
    const mute = createNetServer(() => undefined);
    const port = await listen(mute);
    try {
      const started = Date.now();
      const result = await cli(['--connect-timeout', '0.3', `https://127.0.0.1:${port}/prod/x`]);
      expect(result.code).toBe(28);
      expect(result.stderr).toBe(
        `apig-signer: no connection to 127.0.0.1:${port} within --connect-timeout\n`,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      mute.close();
    }
  });
});

describe('apig-signer and a closed output', () => {
  let big: Server;
  let bigUrl: string;

  beforeAll(async () => {
    big = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      response.end(Buffer.alloc(4 * 1024 * 1024, 0x61));
    });
    bigUrl = `http://127.0.0.1:${await listen(big)}/big`;
  });
  afterAll(() => close(big));

  // Asynchronously (never execFileSync): the server answers from this process's event loop.
  it('| head: exit 23 with one line and no stack trace, even with -s silenced to -sS', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(
        'sh',
        [
          '-c',
          `"${process.execPath}" "${CLI_BIN}" --region us-east-1 -sS "${bigUrl}" | head -c 10 >/dev/null; exit 0`,
        ],
        { env: env(), stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => done({ code, stderr }));
    });
    expect(result.stderr).toBe(
      'apig-signer: cannot write the output: the reader closed the pipe (EPIPE)\n',
    );
  });

  it('| head: the exit code is 23', async () => {
    const { stdout: output } = await promisify(execFile)(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI_BIN}" --region us-east-1 -s "${bigUrl}" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      { env: env() },
    );
    expect(output.toString().trim()).toBe('23');
  });
});
