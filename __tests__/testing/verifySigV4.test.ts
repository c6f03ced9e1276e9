import axios from 'axios';

import { apigSigner, fromStatic } from '../../lib';
import { ConfigurationError } from '../../lib/errors';
import { verifySigV4 } from '../../lib/testing';
import { useNock } from '../helpers/nock';
import { signBySpec } from '../helpers/specSigner';

const key = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
const date = new Date('2026-01-02T03:04:05Z');
const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const options = { credentials: [key], region: 'eu-west-1', now: date };

function signed(extra: Partial<Parameters<typeof signBySpec>[0]> = {}) {
  return signBySpec({
    method: 'POST',
    host: HOST,
    path: '/prod/notes',
    query: 'draft=1',
    body: 'héllo',
    key,
    region: 'eu-west-1',
    service: 'execute-api',
    date,
    ...extra,
  });
}

describe('verifySigV4', () => {
  it('accepts a signed request and returns its canonical request and string to sign', () => {
    const verdict = verifySigV4(signed(), options);
    expect(verdict).toMatchObject({ accepted: true, status: 200, authMode: 'header' });
    expect(verdict.canonicalRequest).toMatch(/^POST\n\/prod\/notes\ndraft=1\nhost:abc123/);
    expect(verdict.stringToSign).toMatch(/^AWS4-HMAC-SHA256\n20260102T030405Z\n/);
  });

  it('refuses with the reason AWS gives, and what it rebuilt', () => {
    const verdict = verifySigV4({ ...signed(), body: 'hello' }, options);
    expect(verdict).toMatchObject({
      accepted: false,
      status: 403,
      errorType: 'InvalidSignatureException',
    });
    expect(verdict.message).toContain('The request signature we calculated does not match');
    expect(verdict.canonicalRequest).toContain(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
  });

  it('takes the Host from an absolute URL when the headers have none (default port dropped)', () => {
    const request = signed();
    const headers = request.headers.filter(([name]) => name !== 'host');
    for (const url of [
      `https://${HOST}/prod/notes?draft=1`,
      `https://${HOST}:443/prod/notes?draft=1#top`,
    ]) {
      expect(verifySigV4({ ...request, url, headers }, options).accepted).toBe(true);
    }
    const onAnotherPort = { ...request, url: `https://${HOST}:8443/prod/notes?draft=1`, headers };
    expect(verifySigV4(onAnotherPort, options).accepted).toBe(false);
  });

  it('reads headers as pairs, as an object (arrays as repeated lines), or as fetch Headers', () => {
    const request = signed({
      headers: [
        ['x-tag', 'a'],
        ['x-tag', 'b'],
      ],
    });
    const object: Record<string, string | string[]> = {};
    for (const [name, value] of request.headers) {
      object[name] = name === 'x-tag' ? ['a', 'b'] : value;
    }
    expect(verifySigV4({ ...request, headers: object }, options).accepted).toBe(true);
    // fetch joins repeated headers with ', ', which SigV4 does not (it joins with ','):
    const fetchHeaders = new Headers(request.headers);
    expect(verifySigV4({ ...request, headers: fetchHeaders }, options).accepted).toBe(false);
    const single = signed({ headers: [['x-tag', 'a']] });
    expect(verifySigV4({ ...single, headers: new Headers(single.headers) }, options).accepted).toBe(
      true,
    );
  });

  it('reads the body as a UTF-8 string or as bytes (Uint8Array, Buffer, ArrayBuffer)', () => {
    const request = signed();
    const bytes = new TextEncoder().encode('héllo');
    const inLargerBuffer = new Uint8Array([0, ...bytes, 0]).subarray(1, bytes.length + 1);
    for (const body of [bytes, Buffer.from(bytes), bytes.buffer, inLargerBuffer]) {
      expect(verifySigV4({ ...request, body }, options).accepted).toBe(true);
    }
  });

  it('judges at `now`: a fixed date, a clock function, or the current time', () => {
    const request = signed();
    expect(verifySigV4(request, { ...options, now: () => date }).accepted).toBe(true);
    const later = verifySigV4(request, { ...options, now: new Date(date.getTime() + 360_000) });
    expect(later.message).toMatch(/^Signature expired/);
    const { now: _fixed, ...current } = options;
    expect(verifySigV4(request, current).message).toMatch(/^Signature expired/);
  });

  it('throws ConfigurationError for a request without method or with a relative url', () => {
    const request = signed();
    for (const bad of [
      { ...request, method: '' },
      { ...request, url: 'prod/notes' },
      { ...request, url: undefined as unknown as string },
    ]) {
      let caught: unknown;
      try {
        verifySigV4(bad, options);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigurationError);
      expect((caught as ConfigurationError).code).toBe('ERR_CONFIGURATION');
    }
  });

  it('refuses a request with no signature as API Gateway does', () => {
    expect(verifySigV4({ method: 'GET', url: `https://${HOST}/prod` }, options)).toMatchObject({
      accepted: false,
      status: 403,
      errorType: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });
});

describe('verifySigV4 inside a nock reply (the testing guide)', () => {
  const nock = useNock();
  const API = `https://${HOST}`;

  function mockNotes() {
    let sentBody = '';
    const scope = nock(API)
      .post('/prod/notes')
      .reply(function (path) {
        const verdict = verifySigV4(
          {
            method: this.req.method,
            url: `${API}${path}`,
            headers: this.req.headers,
            body: sentBody,
          },
          { region: 'eu-west-1', credentials: [key] },
        );
        if (!verdict.accepted) {
          return [
            verdict.status,
            { message: verdict.message },
            { 'x-amzn-ErrorType': verdict.errorType ?? '' },
          ];
        }
        return [201, { id: 'note-1' }];
      });
    scope.on('request', (_req, _interceptor, body: string) => {
      sentBody = body;
    });
    return scope;
  }

  it('lets a request signed by the app through', async () => {
    const scope = mockNotes();
    const api = axios.create({ baseURL: `${API}/prod` });
    api.interceptors.request.use(apigSigner({ credentials: fromStatic(key) }));
    const { status } = await api.post('/notes', { content: 'hello' });
    expect(status).toBe(201);
    expect(scope.isDone()).toBe(true);
  });

  it('answers 403 when something changes the request after it was signed', async () => {
    mockNotes();
    // An adapter that rewrites a header on the way out, as a proxy might: below the signer, so
    // it changes a signed request (an interceptor can no longer: its changes are signed).
    const http = axios.getAdapter('http');
    const api = axios.create({
      baseURL: `${API}/prod`,
      adapter: (config) => {
        config.headers.set('Content-Type', 'application/json; charset=utf-8');
        return http(config);
      },
    });
    api.interceptors.request.use(apigSigner({ credentials: fromStatic(key) }));
    const failure = await api.post('/notes', { content: 'hello' }).catch((error: unknown) => error);
    expect(axios.isAxiosError(failure) && failure.response?.status).toBe(403);
    expect(axios.isAxiosError(failure) && failure.response?.headers['x-amzn-errortype']).toBe(
      'InvalidSignatureException',
    );
  });
});
