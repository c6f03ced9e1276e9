import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, RequestListener, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { cleanEnv, emptyHome, runCli, selfSignedCertificate } from '../helpers/cli';

/**
 * The AWS SDK's own calls for a profile go through the proxy the command chose, by the API
 * call's rules: an assume-role profile whose STS is a local stand-in (AWS_ENDPOINT_URL_STS), a
 * forward proxy on 127.0.0.1 that notes what it carried.
 */
const BASE_KEYS = { accessKeyId: 'AKIDBASEPROFILE', secretAccessKey: 'base/profile+secret' };
const ROLE_KEYS = {
  accessKeyId: 'ASIAROLEFROMSTS',
  secretAccessKey: 'role/secret+from+sts',
  sessionToken: 'role-session-token-from-the-sts-stand-in',
};

let gateway: SigV4Gateway;
let sts: Server;
let stsUrl: string;
/** The same STS stand-in over https, its certificate made for the test. */
let stsTls: Server;
let stsTlsUrl: string;
let certPath: string;
let proxy: Server;
let proxyUrl: string;
let home: string;
let cleanupHome: () => void;
/** What the proxy carried: `CONNECT host:port`, or `METHOD absolute-url`. */
const carried: string[] = [];
/** What STS was asked: the action and the access key id that signed it. */
const stsCalls: string[] = [];
const tunnels: Socket[] = [];

function listen(server: Server, scheme = 'http'): Promise<string> {
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      done(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}

const ASSUME_ROLE_ANSWER = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${ROLE_KEYS.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${ROLE_KEYS.secretAccessKey}</SecretAccessKey>
      <SessionToken>${ROLE_KEYS.sessionToken}</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:cli</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/api/cli</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

beforeAll(async () => {
  ({ home, cleanup: cleanupHome } = emptyHome());
  gateway = await startSigV4Gateway({ credentials: [ROLE_KEYS] });

  const answerSts: RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('Action');
      const keyId = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
      stsCalls.push(`${action ?? '?'} by ${keyId ?? 'nobody'}`);
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.end(ASSUME_ROLE_ANSWER);
    });
  };
  sts = createServer(answerSts);
  stsUrl = await listen(sts);
  const tls = selfSignedCertificate(home);
  certPath = tls.certPath;
  stsTls = createHttpsServer({ key: tls.key, cert: tls.cert }, answerSts);
  stsTlsUrl = await listen(stsTls, 'https');

  // A forward proxy: absolute-form requests (the API call to the http:// gateway), CONNECT
  // tunnels (what the command opens for the SDK's calls).
  proxy = createServer((request, response) => {
    carried.push(`${request.method} ${request.url}`);
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
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  proxy.on('connect', (request: IncomingMessage, socket: Socket) => {
    carried.push(`CONNECT ${request.url}`);
    const [host, port] = (request.url ?? '').split(':');
    socket.on('error', () => undefined);
    const upstream = netConnect(Number(port), host, () => {
      tunnels.push(socket, upstream);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
  });
  proxyUrl = await listen(proxy);
});

beforeEach(() => {
  carried.length = 0;
  stsCalls.length = 0;
});

afterAll(async () => {
  for (const socket of tunnels) socket.destroy();
  await close(proxy);
  await close(sts);
  await close(stsTls);
  await gateway.close();
  cleanupHome();
});

/** A profile `role` that assumes a role with the keys of profile `base`, STS at the stand-in. */
function roleProfileEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const config = join(home, 'config');
  const credentials = join(home, 'credentials');
  writeFileSync(
    config,
    '[profile role]\nrole_arn = arn:aws:iam::123456789012:role/api\nrole_session_name = cli\nsource_profile = base\nregion = us-east-1\n\n[profile base]\nregion = us-east-1\n',
  );
  writeFileSync(
    credentials,
    `[base]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\n`,
  );
  return cleanEnv(home, {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_ENDPOINT_URL_STS: stsUrl,
    ...extra,
  });
}

const stsAuthority = () => stsUrl.replace('http://', '');

describe('apig-signer --profile with an assume-role profile, through a proxy', () => {
  it('-x: the STS call goes through the proxy (a CONNECT tunnel), then the API call, signed with the role', async () => {
    const result = await runCli(
      ['-x', proxyUrl, '--profile', 'role', '--region', 'us-east-1', `${gateway.url}/prod/role`],
      { env: roleProfileEnv() },
    );
    expect(result.code).toBe(0);
    expect(stsCalls).toEqual([`AssumeRole by ${BASE_KEYS.accessKeyId}`]);
    expect(carried).toEqual([`CONNECT ${stsAuthority()}`, `GET ${gateway.url}/prod/role`]);
    expect(gateway.requests.at(-1)!.verdict).toMatchObject({
      accepted: true,
      accessKeyId: ROLE_KEYS.accessKeyId,
      sessionTokenSigned: true,
    });
  });

  it('HTTPS_PROXY: an https:// STS is reached through the tunnel, its certificate checked end to end', async () => {
    const env = roleProfileEnv({
      AWS_ENDPOINT_URL_STS: stsTlsUrl,
      HTTPS_PROXY: proxyUrl,
      HTTP_PROXY: proxyUrl,
      NODE_EXTRA_CA_CERTS: certPath,
    });
    const result = await runCli(
      ['--profile', 'role', '--region', 'us-east-1', `${gateway.url}/prod/role`],
      { env },
    );
    expect(result.code).toBe(0);
    expect(stsCalls).toEqual([`AssumeRole by ${BASE_KEYS.accessKeyId}`]);
    const authority = stsTlsUrl.replace('https://', '');
    expect(carried).toEqual([`CONNECT ${authority}`, `GET ${gateway.url}/prod/role`]);
    expect(gateway.requests.at(-1)!.verdict).toMatchObject({
      accepted: true,
      accessKeyId: ROLE_KEYS.accessKeyId,
    });

    // Not trusting the certificate, the tunnel gets no further than the handshake.
    carried.length = 0;
    stsCalls.length = 0;
    const before = gateway.requests.length;
    const { NODE_EXTRA_CA_CERTS: _trusted, ...untrusting } = env;
    const refused = await runCli(
      ['--profile', 'role', '--region', 'us-east-1', `${gateway.url}/prod/role`],
      { env: untrusting },
    );
    expect(refused.code).toBe(60);
    expect(refused.stderr).toBe(
      'apig-signer: the certificate of the AWS credentials service is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT): add its CA with NODE_EXTRA_CA_CERTS\n',
    );
    expect(carried).toEqual([`CONNECT ${authority}`]);
    expect(stsCalls).toEqual([]);
    expect(gateway.requests.length).toBe(before);
  });

  it('HTTP_PROXY (the stand-in is http://) carries the STS call too', async () => {
    const result = await runCli(
      ['--profile', 'role', '--region', 'us-east-1', `${gateway.url}/prod/role`],
      { env: roleProfileEnv({ HTTP_PROXY: proxyUrl.replace('http://', '') }) },
    );
    expect(result.code).toBe(0);
    expect(stsCalls).toHaveLength(1);
    expect(carried).toEqual([`CONNECT ${stsAuthority()}`, `GET ${gateway.url}/prod/role`]);
  });

  it('NO_PROXY covering the STS host: STS is reached directly, even with -x', async () => {
    const result = await runCli(
      ['-x', proxyUrl, '--profile', 'role', '--region', 'us-east-1', `${gateway.url}/prod/role`],
      { env: roleProfileEnv({ NO_PROXY: '127.0.0.1' }) },
    );
    expect(result.code).toBe(0);
    expect(stsCalls).toEqual([`AssumeRole by ${BASE_KEYS.accessKeyId}`]);
    expect(carried).toEqual([]);
    expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
  });

  it('a proxy that cannot be reached: exit 7, the message names the proxy, nothing sent to STS or the API', async () => {
    const closed = createServer();
    const unreachable = await listen(closed);
    await close(closed);
    const before = gateway.requests.length;
    const result = await runCli(
      ['-x', unreachable, '--profile', 'role', '--region', 'us-east-1', `${gateway.url}/prod/role`],
      { env: roleProfileEnv() },
    );
    expect(result.code).toBe(7);
    expect(result.stderr).toBe(
      `apig-signer: the AWS credentials service could not be reached: cannot reach the proxy ${unreachable.replace('http://', '')} (-x): ECONNREFUSED\n`,
    );
    expect(stsCalls).toEqual([]);
    expect(gateway.requests.length).toBe(before);
  });

  it('-x that is not an http:// proxy: exit 2 before any call', async () => {
    const result = await runCli(
      [
        '-x',
        'socks5://127.0.0.1:1080',
        '--profile',
        'role',
        '--region',
        'us-east-1',
        `${gateway.url}/prod/role`,
      ],
      { env: roleProfileEnv() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^apig-signer: -x socks5:\/\/ proxies are not supported/);
    expect(stsCalls).toEqual([]);
  });
});
