import { ConfigurationError, presignUrl, signRequest } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { TEST_KEYS, startTestGateway } from '../helpers/setup';

let gateway: SigV4Gateway;
beforeEach(async () => {
  gateway = await startTestGateway();
});
afterEach(async () => {
  await gateway.close();
});

const common = { credentials: TEST_KEYS, region: 'us-east-1' };

describe('signRequest (for fetch and other clients)', () => {
  it('signs a POST that fetch sends as it is', async () => {
    const request = await signRequest({
      ...common,
      method: 'post',
      url: `${gateway.url}/prod/notes/two words?tag=a+b&tag=c%20d`,
      headers: new Headers({
        'Content-Type': 'application/json',
        'X-Custom': ' spaced  value ',
        'Content-Length': '1',
      }),
      body: JSON.stringify({ content: 'héllo' }),
    });
    const response = await fetch(request.url, request);
    expect(response.status).toBe(200);
    const received = gateway.requests[0]!;
    expect(received.verdict).toMatchObject({ accepted: true, sessionTokenSigned: true });
    expect(received.path).toBe('/prod/notes/two words');
    expect(received.query).toEqual([
      ['tag', 'a b'],
      ['tag', 'c d'],
    ]);
    expect(received.body.toString()).toBe('{"content":"héllo"}');
    expect(received.verdict.signedHeaders).toEqual(
      expect.arrayContaining([
        'content-type',
        'host',
        'x-amz-date',
        'x-amz-security-token',
        'x-custom',
      ]),
    );
  });

  it('serialises a FormData once and returns the bytes it signed', async () => {
    const form = new FormData();
    form.append('name', 'x y');
    form.append('file', new File(['data'], 'f.txt', { type: 'text/plain' }));
    const request = await signRequest({
      ...common,
      method: 'PUT',
      url: `${gateway.url}/upload`,
      body: form,
    });
    expect(request.headers['Content-Type']).toMatch(/^multipart\/form-data; boundary=/);
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    expect(response.status).toBe(200);
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
  });

  it('refuses bad input before any I/O', async () => {
    await expect(signRequest({ ...common, url: '/relative' })).rejects.toMatchObject({
      code: 'ERR_INVALID_URL',
    });
    await expect(
      signRequest({ credentials: TEST_KEYS, url: 'https://api.example.com/x' }),
    ).rejects.toMatchObject({
      code: 'ERR_NO_REGION',
    });
    await expect(
      signRequest({ ...common, url: gateway.url, headers: { 'X-Bad': 'ā' } }),
    ).rejects.toMatchObject({
      code: 'ERR_HEADER_VALUE',
    });
    expect(gateway.requests).toHaveLength(0);
  });
});

describe('presignUrl', () => {
  it('signs a URL with its own query, accepted by the gateway', async () => {
    const url = await presignUrl({
      ...common,
      url: `${gateway.url}/prod/items?room=lobby&x=two words`,
    });
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(gateway.requests[0]!.verdict).toMatchObject({
      accepted: true,
      authMode: 'query',
      sessionTokenSigned: true,
    });
    expect(gateway.requests[0]!.query.slice(0, 2)).toEqual([
      ['room', 'lobby'],
      ['x', 'two words'],
    ]);
  });

  it('signs a WebSocket $connect URL (wss://) for the host and path it names', async () => {
    const url = await presignUrl({
      ...common,
      url: `ws://127.0.0.1:${gateway.port}/prod`,
      expiresIn: 60,
    });
    expect(url.startsWith(`ws://127.0.0.1:${gateway.port}/prod?`)).toBe(true);
    // The WebSocket handshake is a GET of the same host, path and query.
    const response = await fetch(url.replace(/^ws:/, 'http:'));
    expect(response.status).toBe(200);
    const signed = await presignUrl({
      credentials: TEST_KEYS,
      url: 'wss://a1b2c3.execute-api.eu-west-2.amazonaws.com/prod',
    });
    expect(new URL(signed).searchParams.get('X-Amz-Credential')).toMatch(
      /\/eu-west-2\/execute-api\/aws4_request$/,
    );
  });

  it('expires after expiresIn', async () => {
    const url = await presignUrl({
      ...common,
      url: `${gateway.url}/x`,
      expiresIn: 1,
      signingDate: new Date(Date.now() - 5000),
    });
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(gateway.requests[0]!.verdict.message).toMatch(/^Signature expired: .* - 1 sec\.\)$/);
  });

  it('refuses a lifetime over a week', async () => {
    await expect(
      presignUrl({ ...common, url: gateway.url, expiresIn: 604_801 }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });
});
