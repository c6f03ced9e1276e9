import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import axiosRetry from 'axios-retry';

import type { ApigSignerOptions } from '../../lib';
import type { GatewayEcho, SigV4Gateway, SigV4GatewayOptions } from '../../lib/testing';
import {
  TEST_KEYS,
  bodyOf,
  describeEachAdapter,
  echoOf,
  headerOf,
  signedClient,
  startTestGateway,
} from '../helpers/setup';

/**
 * End to end: real axios (http and fetch adapters) → the real interceptor → startSigV4Gateway,
 * which verifies the signature from the raw request as received. Every case asserts that the
 * signature was accepted AND that the server received exactly what the caller meant.
 */
interface Case {
  name: string;
  signer?: ApigSignerOptions;
  gateway?: () => SigV4GatewayOptions;
  prepare?: (api: AxiosInstance) => void;
  send: (api: AxiosInstance, gateway: SigV4Gateway) => Promise<AxiosResponse>;
  path?: string;
  rawPath?: string;
  query?: Array<[string, string]>;
  /** Received header values; `null` means the header must not arrive. */
  headers?: Record<string, string | null>;
  /** Header names the signature must cover / must not cover. */
  signed?: string[];
  notSigned?: string[];
  body?: Buffer | string | ((body: Buffer, echo: GatewayEcho) => Promise<void> | void);
  /** Requests the gateway must have received (all accepted). */
  requests?: number;
  authMode?: 'header' | 'query';
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const RESERVED = "!'()*:@,;=$&/?#[]";

async function multipartEntries(body: Buffer, contentType: string) {
  const form = await new Response(new Uint8Array(body), {
    headers: { 'content-type': contentType },
  }).formData();
  const entries: Array<[string, string]> = [];
  for (const [name, value] of form.entries()) {
    entries.push([
      name,
      typeof value === 'string' ? value : `file:${value.name}:${await value.text()}`,
    ]);
  }
  return entries;
}

const cases: Case[] = [
  // 1. URL: path
  { name: 'plain GET', send: (api) => api.get('/notes'), path: '/prod/notes' },
  {
    name: 'space in the path is sent as %20',
    send: (api) => api.get('/notes/two words'),
    path: '/prod/notes/two words',
    rawPath: '/prod/notes/two%20words',
  },
  {
    name: '+ in the path stays a plus',
    send: (api) => api.get('/notes/a+b'),
    path: '/prod/notes/a+b',
    rawPath: '/prod/notes/a%2Bb',
  },
  {
    name: 'pre-encoded %20 in the path is kept, not encoded again',
    send: (api) => api.get('/notes/a%20b'),
    path: '/prod/notes/a b',
    rawPath: '/prod/notes/a%20b',
  },
  {
    name: 'a stray % in the path is sent as %25',
    send: (api) => api.get('/discount/50%'),
    path: '/prod/discount/50%',
    rawPath: '/prod/discount/50%25',
  },
  {
    name: 'unicode in the path',
    send: (api) => api.get('/notes/héllo/日本'),
    path: '/prod/notes/héllo/日本',
  },
  {
    name: "reserved characters !'()* in the path",
    send: (api) => api.get("/notes/!'()*"),
    path: "/prod/notes/!'()*",
    rawPath: '/prod/notes/%21%27%28%29%2A',
  },
  {
    name: 'reserved characters :@,;=$& [] in the path',
    send: (api) => api.get('/notes/a:b@c,d;e=f$g&h[i]'),
    path: '/prod/notes/a:b@c,d;e=f$g&h[i]',
  },
  {
    name: 'an encoded slash stays inside its segment',
    send: (api) => api.get('/files/a%2Fb'),
    rawPath: '/prod/files/a%2Fb',
  },
  {
    name: 'dot segments are resolved as the HTTP client resolves them',
    send: (api) => api.get('/a/./b/../c'),
    path: '/prod/a/c',
  },
  {
    name: 'empty path segments are kept on the wire',
    send: (api) => api.get('/a//b/'),
    path: '/prod/a//b/',
  },
  {
    name: 'baseURL with a path prefix and trailing slash',
    send: (api, gateway) => api.get('items', { baseURL: `${gateway.url}/prod/v1/` }),
    path: '/prod/v1/items',
  },
  {
    name: 'an absolute url wins over baseURL',
    send: (api, gateway) => api.get(`${gateway.url}/other/stage`),
    path: '/other/stage',
  },
  {
    name: 'allowAbsoluteUrls: false joins baseURL and an absolute-looking url as axios does',
    send: (api, gateway) =>
      api.get('//ignored.example/x', { baseURL: `${gateway.url}/prod`, allowAbsoluteUrls: false }),
    path: '/prod/ignored.example/x',
  },
  // 1. URL: query
  {
    name: 'params: a space is %20, never +',
    send: (api) => api.get('/notes', { params: { q: 'two words' } }),
    query: [['q', 'two words']],
  },
  {
    name: 'params: a plus sign stays a plus sign',
    send: (api) => api.get('/notes', { params: { q: 'a+b' } }),
    query: [['q', 'a+b']],
  },
  {
    name: 'params: percent signs',
    send: (api) => api.get('/notes', { params: { q: '100% %20' } }),
    query: [['q', '100% %20']],
  },
  {
    name: 'params: unicode',
    send: (api) => api.get('/notes', { params: { q: 'héllo wörld 日本 😀' } }),
    query: [['q', 'héllo wörld 日本 😀']],
  },
  {
    name: 'params: every reserved character',
    send: (api) => api.get('/notes', { params: { [RESERVED]: RESERVED } }),
    query: [[RESERVED, RESERVED]],
  },
  {
    name: 'params: arrays as axios sends them (key[])',
    send: (api) => api.get('/notes', { params: { tags: ['a', 'b c'] } }),
    query: [
      ['tags[]', 'a'],
      ['tags[]', 'b c'],
    ],
  },
  {
    name: 'params: nested objects as axios sends them (a[b])',
    send: (api) => api.get('/notes', { params: { filter: { name: 'x y', age: 3 } } }),
    query: [
      ['filter[name]', 'x y'],
      ['filter[age]', '3'],
    ],
  },
  {
    name: 'params: Dates as ISO strings',
    send: (api) => api.get('/notes', { params: { since: new Date('2026-01-02T03:04:05.678Z') } }),
    query: [['since', '2026-01-02T03:04:05.678Z']],
  },
  {
    name: 'params: null and undefined are dropped, empty strings kept',
    send: (api) => api.get('/notes', { params: { a: null, b: undefined, c: '', d: 0, e: false } }),
    query: [
      ['c', ''],
      ['d', '0'],
      ['e', 'false'],
    ],
  },
  {
    name: 'params: URLSearchParams with repeated keys, order kept',
    send: (api) =>
      api.get('/notes', {
        params: new URLSearchParams([
          ['b', '2'],
          ['a', 'x y'],
          ['b', '1'],
        ]),
      }),
    query: [
      ['b', '2'],
      ['a', 'x y'],
      ['b', '1'],
    ],
  },
  {
    name: 'params: a custom paramsSerializer function',
    send: (api) =>
      api.get('/notes', {
        params: { ids: [3, 1] },
        paramsSerializer: (params: { ids: number[] }) =>
          params.ids.map((id) => `id=${id}`).join('&'),
      }),
    query: [
      ['id', '3'],
      ['id', '1'],
    ],
  },
  {
    name: 'params: a paramsSerializer.serialize that writes + for spaces',
    send: (api) =>
      api.get('/notes', {
        params: { q: 'a b' },
        paramsSerializer: { serialize: () => 'q=a+b&r=c%2Bd' },
      }),
    query: [
      ['q', 'a b'],
      ['r', 'c+d'],
    ],
  },
  {
    name: 'a query in the url is kept and merged with params',
    send: (api) => api.get('/notes?x=1&y=two%20words', { params: { z: 3 } }),
    query: [
      ['x', '1'],
      ['y', 'two words'],
      ['z', '3'],
    ],
  },
  {
    name: 'empty query values and a key without =',
    send: (api) => api.get('/notes?flag&empty=&v=1'),
    query: [
      ['flag', ''],
      ['empty', ''],
      ['v', '1'],
    ],
  },
  {
    name: 'a fragment is never sent',
    send: (api) => api.get('/notes?a=1#section'),
    query: [['a', '1']],
  },
  // 2. Body
  {
    name: 'POST a JSON object with unicode and null',
    send: (api) => api.post('/notes', { content: 'héllo', attachment: null }),
    headers: { 'content-type': 'application/json' },
    signed: ['content-type'],
    body: utf8('{"content":"héllo","attachment":null}'),
  },
  {
    name: 'POST a JSON array',
    send: (api) => api.post('/notes', [1, 'two', { three: 3 }]),
    body: utf8('[1,"two",{"three":3}]'),
  },
  {
    name: 'PATCH a string body gets axios’s default content type, signed',
    send: (api) => api.patch('/notes/1', 'plain text ✓'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    signed: ['content-type'],
    body: utf8('plain text ✓'),
  },
  {
    name: 'POST URLSearchParams',
    send: (api) => api.post('/forms', new URLSearchParams({ a: 'x y', b: 'é' })),
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: utf8('a=x+y&b=%C3%A9'),
  },
  {
    name: 'POST an object as application/x-www-form-urlencoded',
    send: (api) =>
      api.post(
        '/forms',
        { a: 'x y', list: [1, 2] },
        {
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
      ),
    body: utf8('a=x+y&list%5B%5D=1&list%5B%5D=2'),
  },
  {
    name: 'PUT a Buffer',
    send: (api) => api.put('/blobs/1', Buffer.from([0, 1, 2, 255, 254])),
    body: Buffer.from([0, 1, 2, 255, 254]),
  },
  {
    name: 'PUT an ArrayBuffer',
    send: (api) => api.put('/blobs/1', new Uint8Array([9, 8, 7]).buffer),
    body: Buffer.from([9, 8, 7]),
  },
  {
    name: 'PUT a typed-array view sends only its own bytes',
    send: (api) => api.put('/blobs/1', new Uint8Array([1, 2, 3, 4, 5, 6]).subarray(2, 4)),
    body: Buffer.from([3, 4]),
  },
  {
    name: 'PUT a DataView',
    send: (api) => api.put('/blobs/1', new DataView(new Uint8Array([5, 6, 7, 8]).buffer, 1, 2)),
    body: Buffer.from([6, 7]),
  },
  {
    name: 'PUT a Blob takes its type as the content type',
    send: (api) => api.put('/blobs/1', new Blob(['blob ✓'], { type: 'text/plain' })),
    headers: { 'content-type': 'text/plain' },
    signed: ['content-type'],
    body: utf8('blob ✓'),
  },
  {
    name: 'POST a FormData with a file, serialised once with our boundary',
    send: (api) => {
      const form = new FormData();
      form.append('title', 'héllo "quoted"\nline');
      form.append('file', new File(['file body'], 'a.txt', { type: 'text/plain' }));
      return api.post('/upload', form);
    },
    signed: ['content-type'],
    body: async (body, echo) => {
      const contentType = headerOf(echo, 'content-type')!;
      expect(contentType).toMatch(/^multipart\/form-data; boundary=----apig-signer-[0-9a-f]{24}$/);
      expect(await multipartEntries(body, contentType)).toEqual([
        ['title', 'héllo "quoted"\r\nline'],
        ['file', 'file:a.txt:file body'],
      ]);
    },
  },
  {
    name: 'postForm with a plain object',
    send: (api) => api.postForm('/upload', { name: 'x y', n: 2, list: ['a', 'b'] }),
    signed: ['content-type'],
    body: async (body, echo) => {
      const contentType = headerOf(echo, 'content-type')!;
      expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(await multipartEntries(body, contentType)).toEqual([
        ['name', 'x y'],
        ['n', '2'],
        ['list[]', 'a'],
        ['list[]', 'b'],
      ]);
    },
  },
  {
    name: 'a custom transformer first in the chain is honoured',
    prepare: (api) => {
      api.defaults.transformRequest = [
        (data: Record<string, unknown>) => ({ ...data, stamped: true }),
        ...(axios.defaults.transformRequest as []),
      ];
    },
    send: (api) => api.post('/notes', { a: 1 }),
    body: utf8('{"a":1,"stamped":true}'),
  },
  {
    name: 'a custom transformer last in the chain is honoured',
    prepare: (api) => {
      api.defaults.transformRequest = [
        ...(axios.defaults.transformRequest as []),
        (data: string) => `${data}\n`,
      ];
    },
    send: (api) => api.post('/notes', { a: 'longer than before' }),
    body: utf8('{"a":"longer than before"}\n'),
  },
  {
    name: 'DELETE without a body',
    send: (api) => api.delete('/notes/1'),
    body: Buffer.alloc(0),
  },
  // 3. Headers
  {
    name: 'headers with odd case and inner whitespace',
    send: (api) =>
      api.get('/notes', { headers: { 'X-CusTom-HEADER': '  a   b  ', accept: 'text/plain' } }),
    headers: { 'x-custom-header': 'a   b', accept: 'text/plain' },
    signed: ['x-custom-header', 'accept'],
  },
  {
    name: 'null, undefined and false header values are neither signed nor sent',
    send: (api) =>
      api.get('/notes', {
        headers: { 'X-Null': null, 'X-Undefined': undefined, 'X-False': false },
      }),
    headers: { 'x-null': null, 'x-undefined': null, 'x-false': null },
    notSigned: ['x-null', 'x-undefined', 'x-false'],
  },
  {
    name: 'an array header value goes as one line',
    send: (api) => api.get('/notes', { headers: { 'X-List': ['a', 'b'] as unknown as string } }),
    headers: { 'x-list': 'a,b' },
    signed: ['x-list'],
  },
  {
    name: 'User-Agent and Accept-Encoding are sent but not signed; host is signed with its port',
    send: (api) => api.get('/notes'),
    signed: ['host', 'x-amz-date', 'x-amz-security-token'],
    notSigned: ['user-agent', 'accept-encoding', 'x-amz-content-sha256'],
  },
  {
    name: 'a stale Content-Length from the caller is not sent',
    send: (api) => api.post('/notes', 'abcdef', { headers: { 'Content-Length': '2' } }),
    body: utf8('abcdef'),
  },
  // 6. Re-entrancy and retries
  {
    name: 'a retry through axios-retry is signed afresh',
    gateway: () => {
      let calls = 0;
      return { handler: () => (++calls === 1 ? { status: 503, body: 'try again' } : undefined) };
    },
    prepare: (api) => {
      axiosRetry(api, { retries: 2, retryDelay: () => 0, retryCondition: () => true });
    },
    send: (api) => api.post('/notes?x=1', { a: 'b' }, { params: { y: 'two words' } }),
    query: [
      ['x', '1'],
      ['y', 'two words'],
    ],
    body: utf8('{"a":"b"}'),
    requests: 2,
  },
  // 8. Query-string auth
  {
    name: 'query-string auth with a query in the url, params and arrays',
    signer: { signQuery: true },
    send: (api) => api.get('/notes?x=1', { params: { tags: ['a', 'b'], q: 'two words' } }),
    authMode: 'query',
    query: [
      ['x', '1'],
      ['tags[]', 'a'],
      ['tags[]', 'b'],
      ['q', 'two words'],
    ],
    headers: { authorization: null },
  },
  {
    name: 'query-string auth on a retry through axios-retry',
    signer: { signQuery: true },
    gateway: () => {
      let calls = 0;
      return { handler: () => (++calls === 1 ? { status: 503, body: 'try again' } : undefined) };
    },
    prepare: (api) => {
      axiosRetry(api, { retries: 2, retryDelay: () => 0, retryCondition: () => true });
    },
    send: (api) => api.get('/notes?x=1', { params: { tags: ['a', 'b'] } }),
    authMode: 'query',
    query: [
      ['x', '1'],
      ['tags[]', 'a'],
      ['tags[]', 'b'],
    ],
    requests: 2,
  },
  {
    name: 'query-string auth of a POST body',
    signer: { signQuery: true },
    send: (api) => api.post('/notes', { a: 1 }),
    authMode: 'query',
    body: utf8('{"a":1}'),
  },
];

const SIGNER_QUERY =
  /^X-Amz-(Algorithm|Credential|Date|Expires|SignedHeaders|Signature|Security-Token)$/;

it('covers at least 40 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
});

describeEachAdapter('apigSigner end to end (%s adapter)', (adapter) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const gateway = await startTestGateway(c.gateway?.());
    try {
      const api = signedClient(gateway, adapter, c.signer);
      c.prepare?.(api);
      const response = await c.send(api, gateway);
      expect(response.status).toBe(200);

      const expectedRequests = c.requests ?? 1;
      expect(gateway.requests).toHaveLength(expectedRequests);
      for (const request of gateway.requests) {
        expect(request.verdict).toMatchObject({ accepted: true, authMode: c.authMode ?? 'header' });
        expect(request.verdict.sessionTokenSigned).toBe(true);
      }
      const received = gateway.requests[expectedRequests - 1]!;
      const echo = echoOf(response.data);
      expect(echo.rawPath).toBe(received.rawPath);

      if (c.path !== undefined) expect(received.path).toBe(c.path);
      if (c.rawPath !== undefined) expect(received.rawPath).toBe(c.rawPath);
      if (c.path === undefined && c.rawPath === undefined) {
        expect(received.path).toMatch(/^\/(prod|other)\//);
      }
      const userQuery = received.query.filter(([name]) => !SIGNER_QUERY.test(name));
      expect(userQuery).toEqual(c.query ?? []);
      // The wire query is unambiguous: no raw `+`, and only RFC 3986 unreserved characters raw.
      expect(received.rawQuery).toMatch(/^[A-Za-z0-9\-._~%=&]*$/);

      for (const [name, value] of Object.entries(c.headers ?? {})) {
        expect([name, headerOf(echo, name) ?? null]).toEqual([name, value]);
      }
      const signedHeaders = received.verdict.signedHeaders ?? [];
      for (const name of c.signed ?? []) expect(signedHeaders).toContain(name);
      for (const name of c.notSigned ?? []) expect(signedHeaders).not.toContain(name);
      expect(headerOf(echo, 'host')).toBe(`127.0.0.1:${gateway.port}`);

      const body = bodyOf(echo);
      if (typeof c.body === 'function') await c.body(body, echo);
      else if (c.body !== undefined) expect(body).toEqual(Buffer.from(c.body));
    } finally {
      await gateway.close();
    }
  });
});

describe('apigSigner with temporary credentials', () => {
  it('signs the session token', async () => {
    const gateway = await startTestGateway();
    try {
      const api = signedClient(gateway, 'http');
      await api.get('/notes');
      const { headers } = gateway.requests[0]!;
      expect(headers).toContainEqual(['X-Amz-Security-Token', TEST_KEYS.sessionToken]);
      expect(gateway.requests[0]!.verdict.signedHeaders).toContain('x-amz-security-token');
    } finally {
      await gateway.close();
    }
  });
});
