import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSigV4Gateway } from '../../lib/testing';
import type { GatewayEcho, SigV4Gateway } from '../../lib/testing';
import { CLI_BIN, cleanEnv, emptyHome, runCli, runInTerminal } from '../helpers/cli';
import { TEST_KEYS } from '../helpers/setup';

/**
 * The real `apig-signer` command as a child process against startSigV4Gateway, which judges each
 * signature from the raw request it received.
 */
let gateway: SigV4Gateway;
let home: string;
let cleanupHome: () => void;
let files: string;
/** Every byte value, CR and LF included, for byte-for-byte checks. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const TOKEN = TEST_KEYS.sessionToken;
/** What the gateway answers on these paths, instead of its echo. */
const ANSWERS: Record<
  string,
  { status: number; type: string; body: string | Buffer; headers?: Record<string, string> }
> = {
  '/prod/bytes': { status: 200, type: 'application/octet-stream', body: ALL_BYTES },
  '/prod/missing': { status: 404, type: 'application/json', body: '{"message":"Not Found"}' },
  '/prod/big': {
    status: 200,
    type: 'application/json',
    body: '{"id":12345678901234567890,"text":"a\\u00e9\\n","list":[1,2.50,{}],"none":null}',
  },
  // The session token in the forms an answer may quote it in, and in a header.
  '/prod/quote': {
    status: 200,
    type: 'application/json',
    headers: { 'X-Echo-Token': TOKEN },
    body: `{"raw":"${TOKEN}","query":"X-Amz-Security-Token=${encodeURIComponent(TOKEN)}","escaped":"${TOKEN.replace(/\//g, '\\/')}"}`,
  },
  '/prod/token-in-header': {
    status: 200,
    type: 'text/plain',
    headers: { 'X-Echo-Token': TOKEN },
    body: 'no token here',
  },
  '/prod/bytes-with-token': {
    status: 200,
    type: 'application/octet-stream',
    body: Buffer.concat([ALL_BYTES, Buffer.from(TOKEN), ALL_BYTES]),
  },
  // S3's refusal quotes the canonical request as text and as hex bytes (CanonicalRequestBytes).
  '/prod/s3-refusal': {
    status: 403,
    type: 'application/xml',
    body: `<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>x-amz-security-token:${TOKEN}</CanonicalRequest><CanonicalRequestBytes>${hexBytes(`x-amz-security-token:${TOKEN}\n`)}</CanonicalRequestBytes></Error>`,
  },
};

/** Bytes as S3 writes them in CanonicalRequestBytes: two hex digits each, spaces between. */
function hexBytes(text: string): string {
  return Buffer.from(text)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}

/** Said on stderr when the answer written out quoted the session token. */
const REDACTION_NOTE =
  'apig-signer: the answer quotes the session token: it is written out as <redacted>\n';

/** The forms of the session token found in what the command wrote. */
function tokenFormsIn(output: Buffer): string[] {
  const text = output.toString('latin1');
  return [TOKEN, encodeURIComponent(TOKEN), TOKEN.replace(/\//g, '\\/')].filter((form) =>
    text.includes(form),
  );
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv(home, {
    AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_KEYS.sessionToken,
    ...extra,
  });
}

/** Runs the command against the gateway, signing for its region. */
function cli(args: string[], options: { stdin?: Buffer | string; env?: NodeJS.ProcessEnv } = {}) {
  return runCli(['--region', 'us-east-1', ...args], { env: options.env ?? env(), ...options });
}

function lastRequest() {
  const request = gateway.requests.at(-1);
  if (request === undefined) throw new Error('the gateway received nothing');
  return request;
}

function header(name: string): string | undefined {
  return lastRequest().headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

function file(name: string, content: string | Buffer): string {
  const path = join(files, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  ({ home, cleanup: cleanupHome } = emptyHome());
  files = mkdtempSync(join(tmpdir(), 'apig-signer-cli-files-'));
  gateway = await startSigV4Gateway({
    credentials: [{ ...TEST_KEYS }],
    handler: (request) => {
      const answer = ANSWERS[request.path];
      if (answer === undefined) return undefined;
      return {
        status: answer.status,
        headers: { 'Content-Type': answer.type, ...answer.headers },
        body: typeof answer.body === 'string' ? answer.body : new Uint8Array(answer.body),
      };
    },
  });
});

afterAll(async () => {
  await gateway.close();
  cleanupHome();
  rmSync(files, { recursive: true, force: true });
});

describe('apig-signer <url>', () => {
  it('signs a GET that the gateway accepts and writes the answer to stdout, the token it echoes redacted', async () => {
    const result = await cli([`${gateway.url}/prod/notes?q=two%20words&tag=a&tag=b`]);
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().method).toBe('GET');
    expect(lastRequest().query).toEqual([
      ['q', 'two words'],
      ['tag', 'a'],
      ['tag', 'b'],
    ]);
    // The gateway's compact JSON, not indented: stdout is a pipe here.
    const echo = JSON.parse(result.stdout.toString('utf8')) as GatewayEcho;
    expect(echo.method).toBe('GET');
    expect(result.stdout.toString('utf8')).not.toContain('\n');
    // The echo repeats the request's headers, the session token among them.
    expect(echo.headers).toContainEqual(['X-Amz-Security-Token', '<redacted>']);
    expect(result.stderr).toBe(REDACTION_NOTE);
    // curl's defaults, not axios's: no Accept-Encoding (the body arrives as sent), Accept */*.
    expect(header('accept-encoding')).toBeUndefined();
    expect(header('accept')).toBe('*/*');
    expect(header('user-agent')).toMatch(/^apig-signer-cli\/\d+\.\d+\.\d+$/);
  });

  it('-X sets the method and -H adds headers (repeatable), all signed', async () => {
    const result = await cli([
      '-X',
      'DELETE',
      '-H',
      'X-Trace: one',
      '--header',
      'x-tenant:  acme ',
      '-H',
      'X-Empty;',
      `${gateway.url}/prod/notes/1`,
    ]);
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().method).toBe('DELETE');
    expect(header('X-Trace')).toBe('one');
    expect(header('x-tenant')).toBe('acme');
    expect(header('X-Empty')).toBe('');
    expect(lastRequest().verdict.signedHeaders).toEqual(
      expect.arrayContaining(['x-trace', 'x-tenant', 'x-empty']),
    );
  });

  it('-d posts form data, joined with & when repeated, as application/x-www-form-urlencoded', async () => {
    const result = await cli(['-d', 'a=1', '-d', 'b=two%20words', `${gateway.url}/prod/form`]);
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().method).toBe('POST');
    expect(lastRequest().body.toString('utf8')).toBe('a=1&b=two%20words');
    expect(header('content-type')).toBe('application/x-www-form-urlencoded');
  });

  it('-d @file drops the line breaks of the file, as curl does', async () => {
    const path = file('form.txt', 'a=1\r\nb=2\n');
    const result = await cli(['-X', 'PUT', '-d', `@${path}`, `${gateway.url}/prod/form`]);
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().method).toBe('PUT');
    expect(lastRequest().body.toString('utf8')).toBe('a=1b=2');
  });

  it('-d @- reads the body from stdin', async () => {
    const result = await cli(['-d', '@-', `${gateway.url}/prod/form`], { stdin: 'from=stdin\n' });
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().body.toString('utf8')).toBe('from=stdin');
  });

  it('--data-binary @file sends every byte as it is', async () => {
    const path = file('all.bin', ALL_BYTES);
    const result = await cli([
      '--data-binary',
      `@${path}`,
      '-H',
      'Content-Type: application/octet-stream',
      `${gateway.url}/prod/upload`,
    ]);
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().body.equals(ALL_BYTES)).toBe(true);
    expect(header('content-type')).toBe('application/octet-stream');
  });

  it('--data-binary @- sends binary stdin byte for byte', async () => {
    const result = await cli(['--data-binary', '@-', '-X', 'PUT', `${gateway.url}/prod/upload`], {
      stdin: ALL_BYTES,
    });
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().method).toBe('PUT');
    expect(lastRequest().body.equals(ALL_BYTES)).toBe(true);
  });

  it('--json posts JSON with Content-Type and Accept set to application/json', async () => {
    const result = await cli(['--json', '{"content":"héllo"}', `${gateway.url}/prod/notes`]);
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().method).toBe('POST');
    expect(lastRequest().body.toString('utf8')).toBe('{"content":"héllo"}');
    expect(header('content-type')).toBe('application/json');
    expect(header('accept')).toBe('application/json');
  });

  it('--json @- reads JSON from stdin', async () => {
    const result = await cli(['--json', '@-', `${gateway.url}/prod/notes`], {
      stdin: '{"from":"stdin"}',
    });
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().body.toString('utf8')).toBe('{"from":"stdin"}');
  });

  it('-G sends the -d data as the query of a GET, without a body', async () => {
    const result = await cli([
      '-G',
      '-d',
      'q=two%20words',
      '-d',
      'tag=a',
      `${gateway.url}/prod/search?page=2`,
    ]);
    expect(result.code).toBe(0);
    expect(lastRequest().verdict.accepted).toBe(true);
    expect(lastRequest().method).toBe('GET');
    expect(lastRequest().query).toEqual([
      ['page', '2'],
      ['q', 'two words'],
      ['tag', 'a'],
    ]);
    expect(lastRequest().body.length).toBe(0);
    expect(header('content-type')).toBeUndefined();
  });

  it('writes a binary answer to stdout byte for byte', async () => {
    const result = await cli([`${gateway.url}/prod/bytes`]);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(ALL_BYTES)).toBe(true);
  });

  it('-i prints the status line and headers before the body', async () => {
    const result = await cli(['-i', `${gateway.url}/prod/bytes`]);
    expect(result.code).toBe(0);
    const head = Buffer.from('HTTP/1.1 200 OK\r\n', 'latin1');
    expect(result.stdout.subarray(0, head.length).equals(head)).toBe(true);
    const end = result.stdout.indexOf('\r\n\r\n');
    expect(result.stdout.subarray(0, end).toString('latin1')).toContain(
      'Content-Type: application/octet-stream',
    );
    expect(result.stdout.subarray(end + 4).equals(ALL_BYTES)).toBe(true);
  });

  it('-o writes the body to a file and nothing to stdout', async () => {
    const path = join(files, 'answer.bin');
    const result = await cli(['-o', path, `${gateway.url}/prod/bytes`]);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(0);
    expect(readFileSync(path).equals(ALL_BYTES)).toBe(true);
  });

  it('-o into a missing folder exits 23', async () => {
    const result = await cli(['-o', join(files, 'nowhere', 'x'), `${gateway.url}/prod/bytes`]);
    expect(result.code).toBe(23);
    expect(result.stderr).toMatch(/^apig-signer: cannot write .*ENOENT/);
  });

  it('HTTP 404 is written out with exit 0, as curl does without --fail', async () => {
    const result = await cli([`${gateway.url}/prod/missing`]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString('utf8')).toBe('{"message":"Not Found"}');
  });

  it('-f exits 22 on HTTP 400 and above and prints no body', async () => {
    const result = await cli(['-f', `${gateway.url}/prod/missing`]);
    expect(result.code).toBe(22);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr).toBe(`apig-signer: HTTP 404 Not Found from 127.0.0.1:${gateway.port}\n`);
  });

  it('-f exits 22 on a refused signature, and 0 on success', async () => {
    const refused = await cli(['--fail', `${gateway.url}/prod/notes`], {
      env: env({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }),
    });
    expect(lastRequest().verdict.accepted).toBe(false);
    expect(refused.code).toBe(22);
    expect(refused.stdout.length).toBe(0);
    expect(refused.stderr).toContain('HTTP 403 Forbidden (InvalidSignatureException)');
    // Nothing of the answer is written, so nothing was redacted in it.
    expect(refused.stderr).not.toContain(REDACTION_NOTE);
    const accepted = await cli(['-f', `${gateway.url}/prod/notes`]);
    expect(accepted.code).toBe(0);
  });

  it('-s keeps stderr quiet on failure, -S brings the message back', async () => {
    const silent = await cli(['-s', '-f', `${gateway.url}/prod/missing`]);
    expect(silent.code).toBe(22);
    expect(silent.stderr).toBe('');
    const shown = await cli(['-sS', '-f', `${gateway.url}/prod/missing`]);
    expect(shown.code).toBe(22);
    expect(shown.stderr).toContain('HTTP 404');
  });

  it('without -v, a refused signature gets one line saying -v shows why', async () => {
    const result = await cli([`${gateway.url}/prod/notes`], {
      env: env({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'apig-signer: AWS refused the signature (InvalidSignatureException): run again with -v to see the canonical request it expected beside ours\n' +
        // The refusal quotes the canonical request, session token included.
        REDACTION_NOTE,
    );
  });
});

describe('apig-signer and a wrong device clock', () => {
  afterEach(() => {
    gateway.clockOffsetMs = 0;
  });

  it('signs again with the server time after a clock-skew refusal, once, as attachApigSigner does', async () => {
    gateway.clockOffsetMs = 10 * 60_000;
    const before = gateway.requests.length;
    const result = await cli(['-v', '-d', 'once=1', `${gateway.url}/prod/notes`]);
    expect(result.code).toBe(0);
    const received = gateway.requests.slice(before);
    expect(received.map((r) => r.verdict.accepted)).toEqual([false, true]);
    expect(received[0]!.verdict.message).toMatch(/^Signature expired/);
    expect(received[1]!.body.toString('utf8')).toBe('once=1');
    expect(result.stderr).toContain(
      '* AWS refused the first signature (device clock or expired credentials): signed again\n',
    );
    expect(result.stderr).toContain('< HTTP/1.1 200 OK\n');
  });
});

describe('apig-signer --max-time and network failures', () => {
  let silent: Server;
  let silentPort: number;

  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((done) => silent.close(done));
  });

  it('--max-time gives up on a server that does not answer, with exit 28', async () => {
    const result = await cli(['--max-time', '0.5', `http://127.0.0.1:${silentPort}/prod/slow`]);
    expect(result.code).toBe(28);
    expect(result.stderr).toBe(
      `apig-signer: no answer from 127.0.0.1:${silentPort} within --max-time\n`,
    );
  });

  it('exits 56 when the connection breaks before the answer', async () => {
    gateway.dropNext(1);
    const result = await cli([`${gateway.url}/prod/notes`]);
    expect(result.code).toBe(56);
    expect(result.stderr).toMatch(
      /^apig-signer: the connection to 127\.0\.0\.1:\d+ broke \(ECONNRESET\)\n$/,
    );
  });

  it('exits 7 when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    const result = await cli([`http://127.0.0.1:${port}/prod/notes`]);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(
      /^apig-signer: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/,
    );
  });
});

describe('apig-signer -v', () => {
  it('prints the request as sent (token redacted), the canonical request and the string to sign', async () => {
    const result = await cli(['-v', '-H', 'X-Trace: one', `${gateway.url}/prod/notes?q=1`]);
    expect(result.code).toBe(0);
    const accepted = lastRequest().verdict;
    expect(accepted.accepted).toBe(true);
    const stderr = result.stderr;
    expect(stderr).not.toContain(TEST_KEYS.sessionToken);
    expect(stderr).not.toContain(TEST_KEYS.secretAccessKey);
    expect(stderr).toContain('> GET /prod/notes?q=1 HTTP/1.1\n');
    expect(stderr).toContain('> X-Amz-Security-Token: <redacted>\n');
    expect(stderr).toContain(`> Host: 127.0.0.1:${gateway.port}\n`);
    expect(stderr).toContain('> Authorization: AWS4-HMAC-SHA256 Credential=AKIDTESTEXAMPLE/');
    expect(stderr).toContain('< HTTP/1.1 200 OK\n');
    // The canonical request and string to sign the gateway computed, token redacted.
    const shown = (title: string) => {
      const lines = stderr.split('\n');
      const start = lines.indexOf(`* ${title}:`) + 1;
      const block: string[] = [];
      for (const line of lines.slice(start)) {
        if (!line.startsWith('*   ') && line !== '*   ') break;
        block.push(line.slice(4));
      }
      return block.join('\n');
    };
    expect(shown('Canonical request')).toBe(
      accepted.canonicalRequest?.split(TEST_KEYS.sessionToken).join('<redacted>'),
    );
    expect(shown('String to sign')).toBe(accepted.stringToSign);
    expect(stderr).toContain('* Signing for region us-east-1, service execute-api');
    expect(stderr).toContain(
      '* Credentials: the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)',
    );
  });

  it('on a signature refusal, puts the canonical request AWS expected beside ours, the first differing line marked', async () => {
    // A gateway that, like S3, keeps empty path segments in the canonical URI: the signer
    // collapses them as API Gateway does, so the signatures differ on the path.
    const strict = await startSigV4Gateway({
      credentials: [{ ...TEST_KEYS }],
      normalizePath: false,
    });
    try {
      const result = await cli(['-v', `${strict.url}/prod//notes`]);
      expect(result.code).toBe(0);
      const refused = strict.requests[0]!.verdict;
      expect(refused.errorType).toBe('InvalidSignatureException');
      const stderr = result.stderr;
      expect(stderr).toContain('* AWS refused the signature (InvalidSignatureException).\n');
      expect(stderr).toMatch(/\* > 2 \/prod\/\/notes +\| \/prod\/notes\n/);
      expect(stderr).toContain('* First difference: line 2, the path (marked >).\n');
      // The lines before it are the same on both sides and unmarked.
      expect(stderr).toMatch(/\* {3}1 GET +\| GET\n/);
      // AWS's expected canonical request quotes the session token: redacted here too.
      expect(stderr).toMatch(/x-amz-security-token:<redacted> +\| x-amz-security-token:<redacted>/);
      expect(stderr).not.toContain(TEST_KEYS.sessionToken);
    } finally {
      await strict.close();
    }
  });

  it('when the canonical requests match, says the keys or the scope differ', async () => {
    const result = await cli(['-v', `${gateway.url}/prod/notes`], {
      env: env({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }),
    });
    expect(lastRequest().verdict.accepted).toBe(false);
    expect(result.stderr).toContain('* Canonical request:\n');
    expect(result.stderr).toContain('* They are the same.\n');
    expect(result.stderr).toContain('* The canonical requests match, so the keys differ');
  });
});

describe('apig-signer and the session token in an answer', () => {
  it('writes a refusal that quotes the token with <redacted> in its place, and says so once', async () => {
    const result = await cli([`${gateway.url}/prod/notes`], {
      env: env({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }),
    });
    expect(result.code).toBe(0);
    const quoted = lastRequest().verdict.message!;
    expect(quoted).toContain(`x-amz-security-token:${TOKEN}\n`);
    expect(tokenFormsIn(result.stdout)).toEqual([]);
    // Otherwise the gateway's answer as it came.
    expect(result.stdout.toString('utf8')).toBe(
      JSON.stringify({ message: quoted.split(TOKEN).join('<redacted>') }),
    );
    expect(result.stderr).toBe(
      'apig-signer: AWS refused the signature (InvalidSignatureException): run again with -v to see the canonical request it expected beside ours\n' +
        REDACTION_NOTE,
    );
  });

  it('-i: neither the headers nor the body show the token, raw, percent-encoded or JSON-escaped', async () => {
    const result = await cli(['-i', `${gateway.url}/prod/quote`]);
    expect(result.code).toBe(0);
    expect(tokenFormsIn(result.stdout)).toEqual([]);
    const text = result.stdout.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    expect(text.slice(0, end)).toContain('\r\nX-Echo-Token: <redacted>\r\n');
    expect(text.slice(end + 4)).toBe(
      '{"raw":"<redacted>","query":"X-Amz-Security-Token=<redacted>","escaped":"<redacted>"}',
    );
    expect(result.stderr).toBe(REDACTION_NOTE);
  });

  it('a token only in a header: redacted, and the note only with -i, which writes the headers', async () => {
    const plain = await cli([`${gateway.url}/prod/token-in-header`]);
    expect(plain.stdout.toString('utf8')).toBe('no token here');
    expect(plain.stderr).toBe('');
    const included = await cli(['-i', `${gateway.url}/prod/token-in-header`]);
    expect(tokenFormsIn(included.stdout)).toEqual([]);
    expect(included.stdout.toString('latin1')).toContain('\r\nX-Echo-Token: <redacted>\r\n');
    expect(included.stderr).toBe(REDACTION_NOTE);
    const verbose = await cli(['-v', `${gateway.url}/prod/token-in-header`]);
    expect(verbose.stderr).toContain('< X-Echo-Token: <redacted>\n');
    expect(verbose.stderr).not.toContain(TOKEN);
  });

  it('-o: the file is redacted too', async () => {
    const path = join(files, 'refusal.json');
    const result = await cli(['-o', path, `${gateway.url}/prod/notes`], {
      env: env({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(0);
    const written = readFileSync(path);
    expect(tokenFormsIn(written)).toEqual([]);
    expect(written.toString('utf8')).toContain('x-amz-security-token:<redacted>\\n');
    expect(result.stderr).toContain(REDACTION_NOTE);
  });

  it('in a binary body, only the bytes of the token change', async () => {
    const result = await cli([`${gateway.url}/prod/bytes-with-token`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual(Buffer.concat([ALL_BYTES, Buffer.from('<redacted>'), ALL_BYTES]));
    expect(result.stderr).toBe(REDACTION_NOTE);
  });

  it('a binary body without the token is written byte for byte, and nothing is said', async () => {
    const result = await cli([`${gateway.url}/prod/bytes`]);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(ALL_BYTES)).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('an S3 refusal: the token is redacted in CanonicalRequestBytes too (hex bytes)', async () => {
    const result = await cli([`${gateway.url}/prod/s3-refusal`]);
    expect(result.code).toBe(0);
    const text = result.stdout.toString('latin1');
    expect(tokenFormsIn(result.stdout)).toEqual([]);
    expect(text).not.toContain(hexBytes(TOKEN));
    expect(text).toContain(
      `<CanonicalRequestBytes>${hexBytes('x-amz-security-token:')} <redacted> 0a</CanonicalRequestBytes>`,
    );
  });

  it('-s redacts all the same without saying so; -sS says so', async () => {
    const silent = await cli(['-s', `${gateway.url}/prod/quote`]);
    expect(tokenFormsIn(silent.stdout)).toEqual([]);
    expect(silent.stdout.toString('utf8')).toContain('<redacted>');
    expect(silent.stderr).toBe('');
    const shown = await cli(['-sS', `${gateway.url}/prod/quote`]);
    expect(tokenFormsIn(shown.stdout)).toEqual([]);
    expect(shown.stderr).toBe(REDACTION_NOTE);
  });

  it('finds a token that arrives split across two network packets (the body is read whole first)', async () => {
    const server = createServer((_, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.write(`{"message":"${TOKEN.slice(0, 20)}`);
      setTimeout(() => res.end(`${TOKEN.slice(20)}"}`), 50);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as { port: number };
      const result = await cli([`http://127.0.0.1:${port}/prod/notes`]);
      expect(result.code).toBe(0);
      expect(result.stdout.toString('utf8')).toBe('{"message":"<redacted>"}');
      expect(result.stderr).toBe(REDACTION_NOTE);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});

describe('apig-signer on a terminal', () => {
  it('indents and colours JSON on a terminal; the numbers and strings stay as written', async () => {
    const session = runInTerminal(['--region', 'us-east-1', `${gateway.url}/prod/big`], {
      env: env({ TERM: 'xterm-256color' }),
    });
    expect(await session.exited).toBe(0);
    const screen = session.screen();
    expect(screen).toContain('\u001b[34m"id"\u001b[0m: \u001b[33m12345678901234567890\u001b[0m,\n');
    expect(screen).toContain('\u001b[32m"a\\u00e9\\n"\u001b[0m');
    expect(screen).toContain('\u001b[33m2.50\u001b[0m');
  });

  it('NO_COLOR keeps the indentation and drops the colour', async () => {
    const session = runInTerminal(['--region', 'us-east-1', `${gateway.url}/prod/big`], {
      env: env({ NO_COLOR: '1', TERM: 'xterm-256color' }),
    });
    expect(await session.exited).toBe(0);
    expect(session.screen()).toContain(
      '{\n  "id": 12345678901234567890,\n  "text": "a\\u00e9\\n",\n  "list": [\n    1,\n    2.50,\n    {}\n  ],\n  "none": null\n}\n',
    );
    expect(session.screen()).not.toContain('\u001b[');
  });

  it('TERM=dumb keeps the indentation and drops the colour', async () => {
    const session = runInTerminal(['--region', 'us-east-1', `${gateway.url}/prod/big`], {
      env: env({ TERM: 'dumb' }),
    });
    expect(await session.exited).toBe(0);
    expect(session.screen()).toContain('{\n  "id": 12345678901234567890,\n');
    expect(session.screen()).not.toContain('\u001b[');
  });
});

describe('apig-signer bad input', () => {
  const badInput: Array<[string, string[], RegExp]> = [
    [
      'an unknown option',
      ['--frobnicate', 'URL'],
      /^unknown option --frobnicate: see apig-signer --help$/,
    ],
    [
      'a malformed header',
      ['-H', 'no colon here', 'URL'],
      /^-H "no colon here": a header is "Name: value"/,
    ],
    [
      'an option without its value',
      ['URL', '-H'],
      /^Option '-H, --header <value>' argument missing/,
    ],
    ['no URL', [], /^no URL: apig-signer \[options\] <url>/],
    ['two URLs', ['URL', 'URL'], /^one URL at a time/],
    ['a URL without a scheme', ['example.com/prod'], /is not a URL/],
    [
      'a user name in the URL',
      ['http://me:pw@127.0.0.1:9/prod'],
      /^the URL holds a user name or password \(HTTP Basic auth\)/,
    ],
    ['a wss:// URL to send', ['wss://example.com/prod'], /presign them with --presign/],
    [
      'a bad --max-time',
      ['--max-time', 'soon', 'URL'],
      /^--max-time "soon": give a number of seconds/,
    ],
    ['--json with -d', ['--json', '{}', '-d', 'a=1', 'URL'], /^--json cannot be mixed with -d/],
    [
      'a header value HTTP cannot carry',
      ['-H', 'X-Name: caf\u{1F600}', 'URL'],
      /^Header "X-Name" holds characters/,
    ],
  ];

  it.each(badInput)('%s: one line on stderr, exit 2, nothing sent', async (_, args, message) => {
    const before = gateway.requests.length;
    const result = await cli(
      args.map((arg) => (arg === 'URL' ? `${gateway.url}/prod/notes` : arg)),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr.slice('apig-signer: '.length).trimEnd()).toMatch(message);
    expect(result.stdout.length).toBe(0);
    expect(gateway.requests.length).toBe(before);
  });

  it('a custom domain without --region: exit 2, asks for --region, before any credentials are sought', async () => {
    // No credentials at all: the region is what the message must be about.
    const result = await runCli(['https://api.example.com/notes'], { env: cleanEnv(home) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `apig-signer: no region for host api.example.com: its name carries none. Give --region, or set AWS_REGION or AWS_DEFAULT_REGION, or a region for profile default in ${join(home, 'no-aws-config')}\n`,
    );
  });

  it('-s does not hide bad input', async () => {
    const result = await cli(['-s', '-H', 'bad', `${gateway.url}/prod/notes`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a header is "Name: value"');
  });
});

it('the bin is the command npm links for `npx apig-signer`', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../cli/package.json'), 'utf8'));
  expect(join(__dirname, '../../cli', manifest.bin['apig-signer'])).toBe(CLI_BIN);
});
