import { request } from 'node:http';

import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { cleanEnv, emptyHome, runCli } from '../helpers/cli';
import { TEST_KEYS } from '../helpers/setup';

/** `--presign`: the URL is printed, not sent; the gateway accepts it when it is used. */
let gateway: SigV4Gateway;
let home: string;
let cleanupHome: () => void;

beforeAll(async () => {
  ({ home, cleanup: cleanupHome } = emptyHome());
  gateway = await startSigV4Gateway({ credentials: [{ ...TEST_KEYS }] });
});
afterAll(async () => {
  await gateway.close();
  cleanupHome();
});

function env(): NodeJS.ProcessEnv {
  return cleanEnv(home, {
    AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_KEYS.sessionToken,
  });
}

/** A plain, unsigned GET of the URL (a WebSocket handshake's request line is the same). */
function plainGet(url: string): Promise<number> {
  const target = new URL(url);
  return new Promise((done, fail) => {
    request(
      {
        host: '127.0.0.1',
        port: gateway.port,
        path: `${target.pathname}${target.search}`,
        headers: { Host: target.host },
      },
      (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      },
    )
      .on('error', fail)
      .end();
  });
}

describe('apig-signer --presign', () => {
  it('prints a URL valid for 300 seconds by default and sends nothing', async () => {
    const before = gateway.requests.length;
    const result = await runCli(
      ['--presign', '--region', 'us-east-1', `${gateway.url}/prod/report?id=7`],
      { env: env() },
    );
    expect(result.code).toBe(0);
    expect(gateway.requests.length).toBe(before);
    const url = new URL(result.stdout.toString('utf8').trimEnd());
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('id')).toBe('7');
    expect(await plainGet(url.href)).toBe(200);
    expect(gateway.requests.at(-1)?.verdict).toMatchObject({ accepted: true, authMode: 'query' });
  });

  it('takes the lifetime in seconds', async () => {
    const result = await runCli(
      ['--region', 'us-east-1', '--presign', '60', `${gateway.url}/prod/report`],
      { env: env() },
    );
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.toString('utf8').trimEnd());
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(await plainGet(url.href)).toBe(200);
  });

  it('presigns a wss:// URL for a WebSocket $connect', async () => {
    const result = await runCli(
      [
        '--presign',
        '120',
        '--region',
        'us-east-1',
        `wss://127.0.0.1:${gateway.port}/prod?room=lobby`,
      ],
      { env: env() },
    );
    expect(result.code).toBe(0);
    const signed = result.stdout.toString('utf8').trimEnd();
    expect(signed.startsWith(`wss://127.0.0.1:${gateway.port}/prod?`)).toBe(true);
    // The gateway checks the query signature as API Gateway checks the $connect request.
    expect(await plainGet(signed)).toBe(200);
    expect(gateway.requests.at(-1)?.verdict).toMatchObject({ accepted: true, authMode: 'query' });
    expect(gateway.requests.at(-1)?.query).toContainEqual(['room', 'lobby']);
  });

  it.each([
    [['--presign', '0'], /^--presign 0: give whole seconds from 1 to 604800/],
    [['--presign', '604801'], /^--presign 604801: give whole seconds/],
    [['--presign', '-d', 'a=1'], /^--presign signs a URL for a GET: it takes no body/],
    [['--presign', '-H', 'X-A: 1'], /^--presign signs a URL for a GET/],
  ])('%j: exit 2', async (args, message) => {
    const result = await runCli([...args, '--region', 'us-east-1', `${gateway.url}/prod/report`], {
      env: env(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr.slice('apig-signer: '.length)).toMatch(message);
  });
});

describe('apig-signer region and service', () => {
  const AWS_URL = 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes';

  async function credentialScope(args: string[]): Promise<string> {
    const result = await runCli(['--presign', ...args], { env: env() });
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.toString('utf8').trimEnd());
    return url.searchParams.get('X-Amz-Credential')!.split('/').slice(2, 4).join('/');
  }

  it('reads them off an AWS host name', async () => {
    expect(await credentialScope([AWS_URL])).toBe('eu-west-2/execute-api');
  });

  it('--region and --service override them', async () => {
    expect(await credentialScope(['--region', 'us-west-1', '--service', 'lambda', AWS_URL])).toBe(
      'us-west-1/lambda',
    );
  });

  it('--service signs for the service a gateway expects', async () => {
    const lambda = await startSigV4Gateway({ credentials: [{ ...TEST_KEYS }], service: 'lambda' });
    try {
      const url = `${lambda.url}/2015-03-31/functions`;
      const wrong = await runCli(['--region', 'us-east-1', url], { env: env() });
      expect(wrong.code).toBe(0);
      expect(lambda.requests[0]?.verdict.message).toMatch(/scoped to correct service: 'lambda'/);
      const right = await runCli(['--region', 'us-east-1', '--service', 'lambda', '-f', url], {
        env: env(),
      });
      expect(right.code).toBe(0);
      expect(lambda.requests[1]?.verdict.accepted).toBe(true);
    } finally {
      await lambda.close();
    }
  });
});
