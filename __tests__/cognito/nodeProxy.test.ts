import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import * as fc from 'fast-check';

import { createCognitoAuth } from '../../lib/cognito';
import { proxyForUrl } from '../../lib/cognito/nodeProxy';
import { ALICE, cognitoWorld } from '../helpers/cognito';
import type { CognitoWorld } from '../helpers/cognito';

// axios's own choice of proxy (proxy-from-env, a dependency of axios): the reference for ours.
const { getProxyForUrl } = jest.requireActual<{ getProxyForUrl: (url: string) => string }>(
  'proxy-from-env',
);

const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [
  name,
  name.toUpperCase(),
]);

let saved: Record<string, string | undefined> = {};
let world: CognitoWorld | undefined;
let proxy: TestProxy | undefined;
beforeEach(() => {
  saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of PROXY_VARIABLES) delete process.env[name];
});
afterEach(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await world?.close();
  world = undefined;
  await proxy?.close();
  proxy = undefined;
});

interface TestProxy {
  url: string;
  /** Forwarded requests (`POST http://…`) and tunnels (`CONNECT host:port`). */
  seen: string[];
  authorizations: Array<string | undefined>;
  /** The first bytes sent into each tunnel (a TLS ClientHello). */
  tunnelled: Buffer[];
  close(): Promise<void>;
}

/** A small proxy on 127.0.0.1: forwards plain http, and answers CONNECT without reaching out. */
async function startProxy(): Promise<TestProxy> {
  const seen: string[] = [];
  const authorizations: Array<string | undefined> = [];
  const tunnelled: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming: IncomingMessage, outgoing) => {
    seen.push(`${incoming.method ?? ''} ${incoming.url ?? ''}`);
    authorizations.push(incoming.headers['proxy-authorization']);
    const target = new URL(incoming.url ?? '');
    const headers = { ...incoming.headers };
    delete headers['proxy-authorization'];
    const forward = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: incoming.method,
        headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (incoming: IncomingMessage, socket: Socket) => {
    seen.push(`CONNECT ${incoming.url ?? ''}`);
    authorizations.push(incoming.headers['proxy-authorization']);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    socket.once('data', (hello: Buffer) => {
      tunnelled.push(hello);
      socket.destroy(); // no way on to AWS from here: the client sees a network failure
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    authorizations,
    tunnelled,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('proxyForUrl', () => {
  it('chooses the proxy as proxy-from-env (axios) does, NO_PROXY rules included', () => {
    const host = fc.constantFrom('cognito-idp.eu-west-2.amazonaws.com', '127.0.0.1', 'example.com');
    fc.assert(
      fc.property(
        fc.constantFrom('https', 'http'),
        host,
        fc.constantFrom('', ':8443', ':443'),
        fc.record({
          HTTPS_PROXY: fc.constantFrom(undefined, 'http://proxy:3128', 'proxy.internal:8080'),
          http_proxy: fc.constantFrom(undefined, 'http://user:pa%20ss@127.0.0.1:9'),
          ALL_PROXY: fc.constantFrom(undefined, 'http://all:1'),
          NO_PROXY: fc.constantFrom(
            undefined,
            '*',
            '127.0.0.1',
            '.amazonaws.com',
            '*.amazonaws.com',
            'example.com:8443',
            'other.org, example.com',
            'amazonaws.com',
          ),
        }),
        (scheme, hostname, port, env) => {
          const url = `${scheme}://${hostname}${port}/`;
          for (const name of PROXY_VARIABLES) delete process.env[name];
          for (const [name, value] of Object.entries(env)) {
            if (value !== undefined) process.env[name] = value;
          }
          expect(proxyForUrl(url, process.env) ?? '').toBe(getProxyForUrl(url));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Cognito calls in Node go through the proxy the environment names', () => {
  it('HTTP_PROXY: sign-in and credentials pass the proxy; NO_PROXY bypasses it', async () => {
    proxy = await startProxy();
    world = await cognitoWorld();
    process.env['HTTP_PROXY'] = proxy.url;
    await world.auth.signIn(ALICE.username, ALICE.password);
    await world.auth.credentials();
    expect(proxy.seen).toEqual([
      `POST ${world.cognito.url}/`,
      `POST ${world.cognito.url}/`,
      `POST ${world.cognito.url}/`,
      `POST ${world.cognito.url}/`,
    ]);
    expect(world.cognito.count('GetCredentialsForIdentity')).toBe(1);

    process.env['NO_PROXY'] = '127.0.0.1';
    world.auth.signOut();
    await world.auth.signIn(ALICE.username, ALICE.password);
    expect(proxy.seen).toHaveLength(4);
  });

  it('HTTPS_PROXY: a CONNECT tunnel to Cognito, TLS inside it, proxy credentials on the CONNECT only', async () => {
    proxy = await startProxy();
    process.env['HTTPS_PROXY'] = proxy.url.replace('http://', 'http://me:s%C3%A9cret@');
    const auth = createCognitoAuth({
      region: 'eu-west-2',
      userPoolId: 'eu-west-2_AbCdEf123',
      clientId: 'client',
      identityPoolId: 'eu-west-2:11111111-2222-3333-4444-555555555555',
      retry: { retries: 0 },
    });
    await expect(auth.signIn('alice', 'password')).rejects.toMatchObject({
      code: 'ERR_COGNITO_UNAVAILABLE',
    });
    expect(proxy.seen).toEqual(['CONNECT cognito-idp.eu-west-2.amazonaws.com:443']);
    expect(proxy.authorizations).toEqual([`Basic ${Buffer.from('me:sécret').toString('base64')}`]);
    const hello = proxy.tunnelled[0]!;
    expect(hello[0]).toBe(0x16); // a TLS handshake record: the proxy sees no request
    expect(hello.includes(Buffer.from('cognito-idp.eu-west-2.amazonaws.com'))).toBe(true);
    expect(hello.includes(Buffer.from('InitiateAuth'))).toBe(false);
  });
});
