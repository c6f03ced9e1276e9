import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

import { ConfigurationError } from '../../lib/errors';
import { DEFAULT_GATEWAY_CREDENTIALS, startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';

/**
 * A minimal signer written here, in the test, straight from the SigV4 steps, so the gateway's
 * behaviours can be driven without apig-signer's signer.
 */
function sign(
  gateway: SigV4Gateway,
  options: {
    method?: string;
    path?: string;
    body?: string;
    date?: Date;
    key?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    region?: string;
    signToken?: boolean;
  } = {},
): { path: string; headers: Record<string, string>; method: string; body: string } {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/';
  const body = options.body ?? '';
  const key = options.key ?? DEFAULT_GATEWAY_CREDENTIALS;
  const region = options.region ?? 'us-east-1';
  const amzDate = (options.date ?? new Date())
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    host: `127.0.0.1:${gateway.port}`,
    'x-amz-date': amzDate,
  };
  if (key.sessionToken && options.signToken !== false)
    headers['x-amz-security-token'] = key.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [
    method,
    path,
    '',
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    createHash('sha256').update(body).digest('hex'),
  ].join('\n');
  const scope = `${day}/${region}/execute-api/aws4_request`;
  const sts = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let k: Buffer = createHmac('sha256', `AWS4${key.secretAccessKey}`).update(day).digest();
  for (const part of [region, 'execute-api', 'aws4_request'])
    k = createHmac('sha256', k).update(part).digest();
  const signature = createHmac('sha256', k).update(sts).digest('hex');
  const out: Record<string, string> = {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
  if (key.sessionToken && options.signToken === false)
    out['x-amz-security-token'] = key.sessionToken;
  delete out['host'];
  return { path, headers: out, method, body };
}

function send(
  gateway: SigV4Gateway,
  req: { path: string; headers: Record<string, string>; method: string; body?: string },
  agent?: Agent,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: gateway.port,
        path: req.path,
        method: req.method,
        headers: req.headers,
        ...(agent === undefined ? {} : { agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    r.on('error', reject);
    r.end(req.body ?? '');
  });
}

describe('startSigV4Gateway', () => {
  let gateway: SigV4Gateway;
  afterEach(async () => {
    await gateway.close();
  });

  it('listens on 127.0.0.1 on a free port and accepts a correctly signed request', async () => {
    gateway = await startSigV4Gateway();
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}`);
    const response = await send(gateway, sign(gateway, { method: 'POST', path: '/x', body: 'hi' }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ method: 'POST', path: '/x', body: 'aGk=' });
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0]!.body.toString()).toBe('hi');
  });

  it('answers a request without auth with 403 Missing Authentication Token', async () => {
    gateway = await startSigV4Gateway();
    const response = await send(gateway, { method: 'GET', path: '/', headers: {} });
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(response.body)).toEqual({ message: 'Missing Authentication Token' });
  });

  it('answers a wrong signature with the canonical request and string-to-sign it expected', async () => {
    gateway = await startSigV4Gateway();
    const signed = sign(gateway, { path: '/a' });
    const response = await send(gateway, { ...signed, path: '/b' });
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    const { message } = JSON.parse(response.body) as { message: string };
    expect(message).toContain("The Canonical String for this request should have been\n'GET\n/b\n");
    expect(message).toContain("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n");
  });

  it('refuses a body that differs from the one signed', async () => {
    gateway = await startSigV4Gateway();
    const signed = sign(gateway, { method: 'PUT', body: 'signed' });
    const response = await send(gateway, { ...signed, body: 'sent!!' });
    expect(response.status).toBe(403);
  });

  it.each([
    [-6 * 60_000, 'Signature expired'],
    [6 * 60_000, 'Signature not yet current'],
  ])('refuses a request dated %d ms off, with a Date header', async (offset, words) => {
    gateway = await startSigV4Gateway();
    const response = await send(gateway, sign(gateway, { date: new Date(Date.now() + offset) }));
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).message).toContain(words);
    expect(new Date(response.headers['date'] as string).getTime()).toBeGreaterThan(
      Date.now() - 5000,
    );
  });

  it('acts out a wrong clock with clockOffsetMs', async () => {
    gateway = await startSigV4Gateway({ clockOffsetMs: 10 * 60_000 });
    const skewed = await send(gateway, sign(gateway));
    expect(skewed.status).toBe(403);
    const serverDate = new Date(skewed.headers['date'] as string);
    expect(serverDate.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    gateway.clockOffsetMs = 0;
    expect((await send(gateway, sign(gateway))).status).toBe(200);
  });

  it('knows only its keys, and checks session tokens and their expiry', async () => {
    const temporary = {
      accessKeyId: 'ASIATEMP',
      secretAccessKey: 'temp-secret',
      sessionToken: 'token-1',
    };
    gateway = await startSigV4Gateway({ credentials: [temporary] });

    const unknown = await send(gateway, sign(gateway));
    expect(unknown.headers['x-amzn-errortype']).toBe('UnrecognizedClientException');

    expect((await send(gateway, sign(gateway, { key: temporary }))).status).toBe(200);
    expect(gateway.requests.at(-1)!.verdict.sessionTokenSigned).toBe(true);

    const wrongToken = await send(
      gateway,
      sign(gateway, { key: { ...temporary, sessionToken: 'token-2' } }),
    );
    expect(wrongToken.headers['x-amzn-errortype']).toBe('UnrecognizedClientException');

    const { sessionToken: _omitted, ...noToken } = temporary;
    const missing = await send(gateway, sign(gateway, { key: noToken }));
    expect(missing.headers['x-amzn-errortype']).toBe('UnrecognizedClientException');

    const unsignedToken = await send(gateway, sign(gateway, { key: temporary, signToken: false }));
    expect(unsignedToken.status).toBe(403);

    gateway.addCredentials({ ...temporary, expiration: new Date(Date.now() - 1000) });
    const expired = await send(gateway, sign(gateway, { key: temporary }));
    expect(expired.headers['x-amzn-errortype']).toBe('ExpiredTokenException');
    expect(JSON.parse(expired.body).message).toBe(
      'The security token included in the request is expired',
    );

    gateway.removeCredentials('ASIATEMP');
    expect(
      (await send(gateway, sign(gateway, { key: temporary }))).headers['x-amzn-errortype'],
    ).toBe('UnrecognizedClientException');
  });

  it('refuses a credential scoped to another region', async () => {
    gateway = await startSigV4Gateway({ region: 'eu-west-2' });
    const response = await send(gateway, sign(gateway, { region: 'us-east-1' }));
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).message).toContain('valid region');
  });

  it('answers CORS preflights like API Gateway, and adds CORS headers', async () => {
    gateway = await startSigV4Gateway({ cors: true });
    const preflight = await send(gateway, {
      method: 'OPTIONS',
      path: '/x',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toBe(
      'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token',
    );
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    const denied = await send(gateway, { method: 'GET', path: '/', headers: {} });
    expect(denied.headers['access-control-allow-origin']).toBe('*');
    expect(denied.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('exposes the headers it is told to, on refusals too', async () => {
    gateway = await startSigV4Gateway({ cors: { exposeHeaders: ['x-amzn-ErrorType', 'Date'] } });
    const denied = await send(gateway, { method: 'GET', path: '/', headers: {} });
    expect(denied.headers['access-control-expose-headers']).toBe('x-amzn-ErrorType,Date');
    expect(denied.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  it('lets a handler answer accepted requests', async () => {
    gateway = await startSigV4Gateway({
      handler: (r) => ({ status: 201, body: `made ${r.path}` }),
    });
    const response = await send(gateway, sign(gateway, { path: '/things' }));
    expect(response.status).toBe(201);
    expect(response.body).toBe('made /things');
  });

  it('keeps only the last maxRecordedRequests requests, in the same array', async () => {
    gateway = await startSigV4Gateway({ maxRecordedRequests: 3 });
    const held = gateway.requests;
    for (const path of ['/1', '/2', '/3', '/4', '/5']) {
      expect((await send(gateway, sign(gateway, { path }))).status).toBe(200);
    }
    expect(gateway.requests.map((r) => r.path)).toEqual(['/3', '/4', '/5']);
    expect(held).toBe(gateway.requests);
  });

  it('keeps the last 1,000 requests by default', async () => {
    gateway = await startSigV4Gateway();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 1005; i += 1) {
        await send(gateway, { method: 'GET', path: `/${i}`, headers: {} }, agent);
      }
    } finally {
      agent.destroy();
    }
    expect(gateway.requests).toHaveLength(1000);
    expect(gateway.requests[0]!.path).toBe('/5');
    expect(gateway.requests.at(-1)!.path).toBe('/1004');
  });

  it('records nothing with maxRecordedRequests: 0, and refuses a limit that is not a count', async () => {
    gateway = await startSigV4Gateway({ maxRecordedRequests: 0 });
    expect((await send(gateway, sign(gateway))).status).toBe(200);
    expect(gateway.requests).toHaveLength(0);
    for (const maxRecordedRequests of [-1, 1.5, Number.NaN]) {
      await expect(startSigV4Gateway({ maxRecordedRequests })).rejects.toBeInstanceOf(
        ConfigurationError,
      );
    }
  });
});
