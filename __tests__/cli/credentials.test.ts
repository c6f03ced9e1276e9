import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { startCognitoEmulator, startSigV4Gateway } from '../../lib/testing';
import type { CognitoEmulator, SigV4Gateway } from '../../lib/testing';
import { cleanEnv, emptyHome, runCli, runInTerminal } from '../helpers/cli';

/**
 * Where the command's credentials come from: a Cognito user (emulated user pool and identity
 * pool, whose credentials the linked gateway accepts) or the AWS SDK's default chain.
 */
let gateway: SigV4Gateway;
let cognito: CognitoEmulator;
let home: string;
let cleanupHome: () => void;

const PASSWORD = 'correct horse battery';
const PROFILE_KEYS = { accessKeyId: 'AKIDPROFILEDEV', secretAccessKey: 'profile/dev+secret' };

beforeAll(async () => {
  ({ home, cleanup: cleanupHome } = emptyHome());
  gateway = await startSigV4Gateway({ credentials: [PROFILE_KEYS] });
  cognito = await startCognitoEmulator({
    users: [
      { username: 'alice', password: PASSWORD },
      {
        username: 'newbie',
        password: 'temporary pass',
        newPasswordRequired: true,
        requiredAttributes: ['name'],
      },
      { username: 'mfa', password: PASSWORD, mfa: 'SOFTWARE_TOKEN_MFA', mfaCode: '246810' },
      { username: 'forgetful', password: PASSWORD },
    ],
    gateways: [gateway],
  });
});

afterAll(async () => {
  await cognito.close();
  await gateway.close();
  cleanupHome();
});

function cognitoArgs(username: string): string[] {
  return [
    '--user-pool-id',
    cognito.userPoolId,
    '--client-id',
    cognito.clientId,
    '--identity-pool-id',
    cognito.identityPoolId,
    '--username',
    username,
    '--cognito-endpoint',
    cognito.url,
    '--region',
    'us-east-1',
    // These tests share one HOME: each signs in afresh. The cache has its own tests below.
    '--no-session-cache',
  ];
}

function lastVerdict() {
  return gateway.requests.at(-1)?.verdict;
}

describe('apig-signer with a Cognito user', () => {
  it('signs in with APIG_SIGNER_PASSWORD and signs with identity-pool credentials', async () => {
    const result = await runCli([...cognitoArgs('alice'), '-v', `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }),
    });
    expect(result.stderr).toContain('* Credentials: Cognito user alice');
    expect(result.code).toBe(0);
    const verdict = lastVerdict();
    expect(verdict?.accepted).toBe(true);
    expect(verdict?.sessionTokenSigned).toBe(true);
    expect(verdict?.accessKeyId).not.toBe(PROFILE_KEYS.accessKeyId);
    expect(result.stderr).not.toContain(PASSWORD);
    expect(cognito.count('GetCredentialsForIdentity')).toBeGreaterThan(0);
  });

  it('a wrong password exits 67 with nothing sent to the API', async () => {
    const before = gateway.requests.length;
    const result = await runCli([...cognitoArgs('alice'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: 'wrong password' }),
    });
    expect(result.code).toBe(67);
    expect(result.stderr).toMatch(/^apig-signer: Cognito refused the sign-in of alice: .+\n$/);
    expect(result.stderr).not.toContain('wrong password');
    expect(gateway.requests.length).toBe(before);
  });

  it('--max-time covers the sign-in: a slow user pool ends with exit 28, nothing sent', async () => {
    // An emulator of its own: its delayed answer must not land in another test's call counts.
    const slow = await startCognitoEmulator({ users: [{ username: 'alice', password: PASSWORD }] });
    slow.fail({ operation: 'InitiateAuth', delayMs: 3000 });
    const before = gateway.requests.length;
    try {
      const result = await runCli(
        [
          ...cognitoArgs('alice').map((arg) => (arg === cognito.url ? slow.url : arg)),
          '--max-time',
          '0.5',
          `${gateway.url}/prod/notes`,
        ],
        { env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }) },
      );
      expect(result.code).toBe(28);
      expect(result.stderr).toBe('apig-signer: gave up at --max-time while getting credentials\n');
      expect(slow.count('InitiateAuth')).toBe(0);
      expect(gateway.requests.length).toBe(before);
    } finally {
      await slow.close();
    }
  });

  it('Cognito unreachable: exit 7, the message names the endpoint, nothing sent', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    const endpoint = `http://127.0.0.1:${port}`;
    const args = cognitoArgs('alice');
    args[args.indexOf('--cognito-endpoint') + 1] = endpoint;
    const before = gateway.requests.length;
    const result = await runCli([...args, `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }),
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(
      new RegExp(
        `^apig-signer: Cognito could not be reached at ${endpoint} \\(ERR_COGNITO_UNAVAILABLE\\)`,
      ),
    );
    expect(gateway.requests.length).toBe(before);
  });

  it('without APIG_SIGNER_PASSWORD or a terminal: exit 2 before any Cognito call', async () => {
    const calls = cognito.calls.length;
    const result = await runCli([...cognitoArgs('alice'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'apig-signer: no password for alice: set APIG_SIGNER_PASSWORD, or run apig-signer on a terminal to be asked\n',
    );
    expect(cognito.calls.length).toBe(calls);
  });

  it('a challenge without a terminal exits 67 and says to run on one', async () => {
    const result = await runCli([...cognitoArgs('mfa'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }),
    });
    expect(result.code).toBe(67);
    expect(result.stderr).toContain('(SOFTWARE_TOKEN_MFA): run apig-signer on a terminal');
  });

  it('an incomplete Cognito user: exit 2 naming the missing options', async () => {
    const result = await runCli(
      ['--user-pool-id', cognito.userPoolId, '--username', 'alice', `${gateway.url}/prod/notes`],
      { env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }) },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^apig-signer: a Cognito user needs --client-id, --identity-pool-id too/,
    );
  });

  it('asks for the password at a hidden prompt on the terminal', async () => {
    const session = runInTerminal(
      [...cognitoArgs('alice'), '-o', join(home, 'alice.json'), `${gateway.url}/prod/notes`],
      { env: cleanEnv(home) },
    );
    await session.waitFor('Password for alice: ');
    session.type(`${PASSWORD}\r`);
    expect(await session.exited).toBe(0);
    expect(lastVerdict()?.accepted).toBe(true);
    // Typed, not shown.
    expect(session.screen()).not.toContain(PASSWORD);
  });

  it('answers NEW_PASSWORD_REQUIRED (with its attribute) at the prompt, then signs in with the new password', async () => {
    const session = runInTerminal([...cognitoArgs('newbie'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home),
    });
    await session.waitFor('Password for newbie: ');
    session.type('temporary pass\r');
    await session.waitFor('New password for newbie: ');
    session.type('a brand new passphrase\r');
    await session.waitFor('New password again: ');
    // A typo: both are asked again.
    session.type('a brand new passphrasf\r');
    await session.waitFor('The two new passwords differ: type them again.');
    await session.waitFor('New password for newbie: ');
    session.type('a brand new passphrase\r');
    await session.waitFor('New password again: ');
    session.type('a brand new passphrase\r');
    await session.waitFor('name: ');
    session.type('Newbie Example\r');
    expect(await session.exited).toBe(0);
    expect(lastVerdict()?.accepted).toBe(true);
    expect(session.screen()).toContain('name: Newbie Example');
    expect(session.screen()).not.toContain('a brand new passphrase');

    // The new password is the one that works now.
    const again = await runCli([...cognitoArgs('newbie'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: 'a brand new passphrase' }),
    });
    expect(again.code).toBe(0);
  });

  it('answers an MFA code at the prompt; a wrong code exits 67', async () => {
    const right = runInTerminal([...cognitoArgs('mfa'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }),
    });
    await right.waitFor('Code from your authenticator app: ');
    right.type('246810\r');
    expect(await right.exited).toBe(0);
    expect(lastVerdict()?.accepted).toBe(true);

    const wrong = runInTerminal([...cognitoArgs('mfa'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }),
    });
    await wrong.waitFor('Code from your authenticator app: ');
    wrong.type('000000\r');
    expect(await wrong.exited).toBe(67);
    expect(wrong.screen()).toContain('Cognito refused the sign-in of mfa');
  });
});

describe('apig-signer with a Cognito user through a proxy', () => {
  let proxy: Server;
  let proxyUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    // A forward proxy for http:// (the emulator and the gateway): it notes each request line
    // and the Cognito operation, then forwards the request.
    proxy = createServer((request, response) => {
      const operation = request.headers['x-amz-target'];
      seen.push(
        `${request.method} ${request.url}${typeof operation === 'string' ? ` ${operation.split('.').pop()}` : ''}`,
      );
      const target = new URL(request.url ?? '');
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: `${target.pathname}${target.search}`,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen.length = 0;
  });
  afterAll(() => {
    proxy.closeAllConnections();
    return new Promise<void>((done) => proxy.close(() => done()));
  });

  const cognitoCalls = () => seen.filter((line) => line.startsWith(`POST ${cognito.url}`));

  it('-x sends the sign-in and the identity-pool calls through the proxy, as the API call', async () => {
    const result = await runCli(
      ['-x', proxyUrl, ...cognitoArgs('alice'), `${gateway.url}/prod/px`],
      {
        env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }),
      },
    );
    expect(result.code).toBe(0);
    expect(cognitoCalls().map((line) => line.split(' ').pop())).toEqual([
      'InitiateAuth',
      'RespondToAuthChallenge',
      'GetId',
      'GetCredentialsForIdentity',
    ]);
    expect(seen.at(-1)).toBe(`GET ${gateway.url}/prod/px`);
    expect(lastVerdict()?.accepted).toBe(true);
  });

  it('HTTP_PROXY without a scheme (curl: http://) carries the Cognito calls too', async () => {
    const result = await runCli([...cognitoArgs('alice'), `${gateway.url}/prod/px`], {
      env: cleanEnv(home, {
        APIG_SIGNER_PASSWORD: PASSWORD,
        HTTP_PROXY: proxyUrl.replace('http://', ''),
      }),
    });
    expect(result.code).toBe(0);
    expect(cognitoCalls()).toHaveLength(4);
  });

  it('--sign-out -x sends the RevokeToken through the proxy', async () => {
    const env = cleanEnv(home, {
      APIG_SIGNER_PASSWORD: PASSWORD,
      XDG_CACHE_HOME: mkdtempSync(join(home, 'xdg-proxy-')),
    });
    const cached = cognitoArgs('alice').filter((arg) => arg !== '--no-session-cache');
    expect((await runCli([...cached, `${gateway.url}/prod/px`], { env })).code).toBe(0);
    seen.length = 0;
    const out = await runCli(['-x', proxyUrl, ...cached, '--sign-out'], { env });
    expect(out.code).toBe(0);
    expect(cognitoCalls()).toEqual([`POST ${cognito.url}/ RevokeToken`]);
  });

  it('--noproxy sends the Cognito calls directly, even with -x', async () => {
    const result = await runCli(
      ['-x', proxyUrl, '--noproxy', '127.0.0.1', ...cognitoArgs('alice'), `${gateway.url}/prod/px`],
      { env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }) },
    );
    expect(result.code).toBe(0);
    expect(seen).toEqual([]);
    expect(lastVerdict()?.accepted).toBe(true);
  });
});

describe('apig-signer --forgot-password', () => {
  it('asks for the code Cognito sent and the new password twice, then the new password signs in', async () => {
    const session = runInTerminal([...cognitoArgs('forgetful'), '--forgot-password'], {
      env: cleanEnv(home),
    });
    await session.waitFor('Code: ');
    session.type(`${cognito.lastCode('forgetful')}\r`);
    await session.waitFor('New password for forgetful: ');
    session.type('a fresh passphrase 42\r');
    await session.waitFor('New password again: ');
    session.type('a fresh passphrase 42\r');
    expect(await session.exited).toBe(0);
    expect(session.screen()).toContain('The password of forgetful is changed: sign in with it.');
    expect(session.screen()).not.toContain('a fresh passphrase 42');

    const result = await runCli([...cognitoArgs('forgetful'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: 'a fresh passphrase 42' }),
    });
    expect(result.code).toBe(0);
    expect(lastVerdict()?.accepted).toBe(true);
  });

  it('without a terminal: exit 2, saying to run it on one, nothing asked of Cognito', async () => {
    const before = cognito.count('ForgotPassword');
    const result = await runCli([...cognitoArgs('forgetful'), '--forgot-password'], {
      env: cleanEnv(home),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run apig-signer on a terminal');
    expect(cognito.count('ForgotPassword')).toBe(before);
  });
});

describe('apig-signer and the Cognito session cache', () => {
  let cacheHome: string;
  const args = () => cognitoArgs('alice').filter((arg) => arg !== '--no-session-cache');

  beforeAll(() => {
    cacheHome = mkdtempSync(join(home, 'xdg-'));
  });

  it('a cached session Cognito refuses outright (the pools were re-created) gives way to a sign-in', async () => {
    const xdg = mkdtempSync(join(home, 'xdg-recreated-'));
    const env = cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD, XDG_CACHE_HOME: xdg });
    // The same pool and client ids, another emulator: the other's identity pool refuses its tokens.
    const before = await startCognitoEmulator({
      users: [{ username: 'alice', password: PASSWORD }],
      gateways: [gateway],
    });
    const pointedAt = (url: string) => args().map((arg) => (arg === cognito.url ? url : arg));
    try {
      const first = await runCli([...pointedAt(before.url), `${gateway.url}/prod/notes`], { env });
      expect(first.code).toBe(0);
    } finally {
      await before.close();
    }
    const signIns = cognito.count('InitiateAuth');
    const again = await runCli([...pointedAt(cognito.url), `${gateway.url}/prod/notes`], { env });
    expect(again.stderr).not.toContain('Invalid login token');
    expect(again.code).toBe(0);
    expect(cognito.count('InitiateAuth')).toBe(signIns + 1);
    expect(gateway.requests.at(-1)?.verdict.accepted).toBe(true);
  });

  it.each([
    ['empty', { HOME: '' }],
    ['relative (and a relative XDG_CACHE_HOME)', { HOME: 'me', XDG_CACHE_HOME: 'cache' }],
  ])(
    'HOME %s: exit 2 naming --no-session-cache, no tokens in the working directory, nothing sent',
    async (_, extra) => {
      const project = mkdtempSync(join(home, 'project-'));
      const signIns = cognito.count('InitiateAuth');
      const sent = gateway.requests.length;
      const result = await runCli([...args(), `${gateway.url}/prod/notes`], {
        env: { ...cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }), ...extra },
        cwd: project,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--no-session-cache');
      expect(result.stderr).toContain('XDG_CACHE_HOME');
      expect(readdirSync(project)).toEqual([]);
      expect(cognito.count('InitiateAuth')).toBe(signIns);
      expect(gateway.requests.length).toBe(sent);
    },
  );

  it('keeps the tokens (never the password) in $XDG_CACHE_HOME, 0700/0600, and reuses them without a password', async () => {
    const first = await runCli([...args(), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD, XDG_CACHE_HOME: cacheHome }),
    });
    expect(first.code).toBe(0);
    const directory = join(cacheHome, 'apig-signer', 'cognito');
    const [name, ...others] = readdirSync(directory);
    expect(others).toEqual([]);
    const path = join(directory, name!);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = readFileSync(path, 'utf8');
    expect(stored).not.toContain(PASSWORD);
    expect(stored).toMatch(/refreshToken/i);

    const signIns = cognito.count('InitiateAuth');
    // No password and no terminal: only the cached session can sign this call.
    const second = await runCli(['-v', ...args(), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { XDG_CACHE_HOME: cacheHome }),
    });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`, the session cached in ${path}`);
    expect(lastVerdict()?.accepted).toBe(true);
    expect(cognito.count('InitiateAuth')).toBe(signIns);
  });

  /** The refresh token in the user's cache file (there is one file: one user). */
  function cachedRefreshToken(): { path: string; refreshToken: string } {
    const directory = join(cacheHome, 'apig-signer', 'cognito');
    const [name] = readdirSync(directory);
    const path = join(directory, name!);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    const key = Object.keys(stored).find((name) => /refreshToken$/i.test(name));
    return { path, refreshToken: key === undefined ? '' : stored[key]! };
  }

  /** REFRESH_TOKEN_AUTH at the emulator, as any holder of the token could try it. */
  async function refreshWith(refreshToken: string): Promise<{ status: number; type: unknown }> {
    const response = await fetch(cognito.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: cognito.clientId,
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    return { status: response.status, type: body['__type'] };
  }

  it('--sign-out revokes the refresh token (Cognito refuses it after) and removes the cached session', async () => {
    const { path, refreshToken } = cachedRefreshToken();
    expect(refreshToken).not.toBe('');
    // The token works until the sign-out: the refusal below is the sign-out's doing.
    expect((await refreshWith(refreshToken)).status).toBe(200);
    const revocations = cognito.count('RevokeToken');

    const out = await runCli([...args(), '--sign-out'], {
      env: cleanEnv(home, { XDG_CACHE_HOME: cacheHome }),
    });
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      `apig-signer: signed out alice: removed ${path}; Cognito was asked to revoke the refresh token\n`,
    );
    // The process ended after its RevokeToken had been answered, not before it left.
    expect(cognito.count('RevokeToken')).toBe(revocations + 1);
    expect(await refreshWith(refreshToken)).toEqual({
      status: 400,
      type: 'NotAuthorizedException',
    });
    expect(readdirSync(join(cacheHome, 'apig-signer', 'cognito'))).toEqual([]);
    const after = await runCli([...args(), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { XDG_CACHE_HOME: cacheHome }),
    });
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('no password for alice: set APIG_SIGNER_PASSWORD');
  });

  it('--sign-out with nothing cached: exit 0, nothing sent to Cognito', async () => {
    const calls = cognito.calls.length;
    const out = await runCli([...args(), '--sign-out'], {
      env: cleanEnv(home, { XDG_CACHE_HOME: cacheHome }),
    });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(
      /^apig-signer: signed out alice: no session was cached \(.+\.json\), nothing to revoke\n$/,
    );
    expect(cognito.calls.length).toBe(calls);
  });

  it('--sign-out with Cognito unreachable still removes the session, exits 0, and does not hang', async () => {
    const signIn = await runCli([...args(), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD, XDG_CACHE_HOME: cacheHome }),
    });
    expect(signIn.code).toBe(0);
    const { refreshToken } = cachedRefreshToken();
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));

    const unreachable = args().map((arg) =>
      arg === cognito.url ? `http://127.0.0.1:${port}` : arg,
    );
    const started = Date.now();
    const out = await runCli([...unreachable, '--sign-out'], {
      env: cleanEnv(home, { XDG_CACHE_HOME: cacheHome }),
    });
    expect(out.code).toBe(0);
    // Two refused connections and one short pause, far below the 11 s bound.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readdirSync(join(cacheHome, 'apig-signer', 'cognito'))).toEqual([]);
    // Nothing reached Cognito: the token still works there (it was only forgotten here).
    expect((await refreshWith(refreshToken)).status).toBe(200);
  });

  it('--no-session-cache writes nothing', async () => {
    const elsewhere = mkdtempSync(join(home, 'xdg-none-'));
    const result = await runCli([...cognitoArgs('alice'), `${gateway.url}/prod/notes`], {
      env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD, XDG_CACHE_HOME: elsewhere }),
    });
    expect(result.code).toBe(0);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('apig-signer with the AWS SDK default chain', () => {
  function profileFiles(): NodeJS.ProcessEnv {
    const config = join(home, 'config');
    const credentials = join(home, 'credentials');
    writeFileSync(config, '[profile dev]\nregion = us-east-1\n');
    writeFileSync(
      credentials,
      `[dev]\naws_access_key_id = ${PROFILE_KEYS.accessKeyId}\naws_secret_access_key = ${PROFILE_KEYS.secretAccessKey}\n`,
    );
    return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
  }

  it('--profile signs with the keys of that profile', async () => {
    const result = await runCli(
      ['--profile', 'dev', '--region', 'us-east-1', '-v', `${gateway.url}/prod/notes`],
      { env: { ...cleanEnv(home), ...profileFiles() } },
    );
    expect(result.code).toBe(0);
    expect(lastVerdict()).toMatchObject({ accepted: true, accessKeyId: PROFILE_KEYS.accessKeyId });
    expect(result.stderr).toContain("* Credentials: the AWS SDK's default chain (profile dev)");
  });

  it('AWS_PROFILE picks the profile as well', async () => {
    const result = await runCli(['--region', 'us-east-1', `${gateway.url}/prod/notes`], {
      env: { ...cleanEnv(home, { AWS_PROFILE: 'dev' }), ...profileFiles() },
    });
    expect(result.code).toBe(0);
    expect(lastVerdict()).toMatchObject({ accepted: true, accessKeyId: PROFILE_KEYS.accessKeyId });
  });

  it('a profile that does not exist: exit 2, nothing sent', async () => {
    const before = gateway.requests.length;
    const result = await runCli(
      ['--profile', 'nope', '--region', 'us-east-1', `${gateway.url}/prod/notes`],
      { env: { ...cleanEnv(home), ...profileFiles() } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `apig-signer: profile nope (--profile) is in neither ${join(home, 'config')} nor ${join(home, 'credentials')}: check its name (aws configure list-profiles), or drop --profile\n`,
    );
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(gateway.requests.length).toBe(before);
  });

  it('a profile without its secret key: exit 2, the message names the missing setting', async () => {
    const files = profileFiles();
    writeFileSync(
      files['AWS_SHARED_CREDENTIALS_FILE']!,
      `[dev]\naws_access_key_id = ${PROFILE_KEYS.accessKeyId}\n`,
    );
    const result = await runCli(['--region', 'us-east-1', `${gateway.url}/prod/notes`], {
      env: { ...cleanEnv(home), ...files, AWS_PROFILE: 'dev' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `apig-signer: profile dev has aws_access_key_id but no aws_secret_access_key (in ${join(home, 'config')}, ${join(home, 'credentials')}): add it\n`,
    );
  });

  it('a failing credential_process: exit 2, the message says it was the process', async () => {
    const config = join(home, 'config-process');
    writeFileSync(config, '[profile tool]\ncredential_process = /bin/false\n');
    const result = await runCli(
      ['--profile', 'tool', '--region', 'us-east-1', `${gateway.url}/prod/notes`],
      { env: { ...cleanEnv(home), AWS_CONFIG_FILE: config } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^apig-signer: the credential_process of profile tool failed: /);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('no credentials anywhere: exit 2 with what to set, nothing sent', async () => {
    const before = gateway.requests.length;
    const result = await runCli(['--region', 'us-east-1', `${gateway.url}/prod/notes`], {
      env: cleanEnv(home),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^apig-signer: no AWS credentials \(.+\): set --profile or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in a Cognito user/,
    );
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(gateway.requests.length).toBe(before);
  });

  it('--profile and a Cognito user together: exit 2', async () => {
    const result = await runCli(
      [...cognitoArgs('alice'), '--profile', 'dev', `${gateway.url}/prod/notes`],
      { env: cleanEnv(home, { APIG_SIGNER_PASSWORD: PASSWORD }) },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exclude each other');
  });
});
