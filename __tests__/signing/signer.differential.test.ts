import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';

import { signRequest } from '../../lib';
import type { SignRequestInput, SignedRequest } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import { largeBody, request } from '../fuzz/generators';
import type { Body } from '../fuzz/generators';
import { TEST_KEYS, signedClient, startTestGateway } from '../helpers/setup';

/**
 * Differential test: the design's reference signer, @smithy/signature-v4 (configured as the AWS
 * SDK signs API Gateway requests: `uriEscapePath`, no `x-amz-content-sha256`), and ours sign the
 * same requests (the fuzz generators' paths, queries, headers and bodies, with random dates,
 * regions, services and credentials) and must produce the same `Authorization` header.
 *
 * Both sign the request as it goes on the wire: SignatureV4 takes the path already
 * percent-encoded and the query decoded (NOTES.md), so it gets the path and query of the URL
 * `signRequest` returns, the headers it sends and its body bytes. Where the two must differ
 * (listed in `MUST_DIFFER` below), ours is checked by the gateway and the difference is shown to
 * be exactly the documented one.
 *
 * Seeded like the fuzz test: DIFF_SEED=<seed> DIFF_RUNS=<n> to replay.
 */
const SEED = Number(process.env['DIFF_SEED'] ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env['DIFF_RUNS'] ?? 2000);

const HOST = 'a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com';

/** `Sha256` of @smithy/hash-node, as the SDK's Node clients configure it. */
const sha256 = Hash.bind(null, 'sha256');

/** The fuzz body as signRequest takes it (what a fetch caller passes). */
function bodyInput(b: Body): { body: SignRequestInput['body']; contentType?: string } {
  switch (b.kind) {
    case 'none':
      return { body: undefined };
    case 'string':
      return { body: b.s, contentType: 'text/plain;charset=utf-8' };
    case 'json':
      return { body: JSON.stringify(b.o), contentType: 'application/json' };
    case 'buffer':
      return { body: Buffer.from(b.b) };
    case 'arraybuffer':
      return { body: new Uint8Array(b.b).buffer };
    case 'view':
      return { body: new Uint8Array(b.b).subarray(b.cut) };
    case 'urlsearchparams':
      return { body: new URLSearchParams(b.p) };
    case 'blob':
      return { body: new Blob([b.s]) };
    case 'empty':
      return { body: '' };
    case 'large':
      return { body: largeBody() };
    case 'formdata': {
      const form = new FormData();
      for (const [k, v] of b.f) form.append(k, v);
      return { body: form };
    }
  }
}

/** The query of a signed URL as SignatureV4 takes it: decoded names to a value or values. */
function queryMap(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<
    string,
    string | string[]
  >;
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/** The Authorization header SignatureV4 makes for the request signRequest sends. */
async function smithyAuthorization(
  signed: SignedRequest,
  options: {
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    region: string;
    service: string;
    signingDate: Date;
    unsignableHeaders?: Set<string>;
  },
): Promise<string> {
  const url = new URL(signed.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(signed.headers)) {
    if (!/^(authorization|x-amz-date|x-amz-security-token)$/i.test(name)) headers[name] = value;
  }
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    sha256,
    applyChecksum: false,
    uriEscapePath: true,
  });
  const result = await signer.sign(
    {
      method: signed.method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: queryMap(url),
      headers,
      body: signed.body ?? undefined,
    },
    {
      signingDate: options.signingDate,
      ...(options.unsignableHeaders ? { unsignableHeaders: options.unsignableHeaders } : {}),
    },
  );
  return String(result.headers['authorization']);
}

const extras = fc.record({
  signingDate: fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  region: fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-2', 'cn-north-1'),
  service: fc.constantFrom('execute-api', 'lambda', 'appsync', 'es'),
  withToken: fc.boolean(),
  // Key material is printable ASCII without spaces: anything else is refused before signing.
  secret: fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
});

describe('signRequest against @smithy/signature-v4', () => {
  it(`gives the same Authorization header for ${RUNS} generated requests`, async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(request, extras, async (r, x) => {
        const credentials = {
          accessKeyId: TEST_KEYS.accessKeyId,
          secretAccessKey: x.secret,
          ...(x.withToken ? { sessionToken: TEST_KEYS.sessionToken } : {}),
        };
        const path = r.segments.map((s) => s.written).join('/');
        const query = [...r.urlQuery, ...(r.params.kind === 'search' ? r.params.p : [])];
        const search = query
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&');
        const { body, contentType } = bodyInput(r.body);
        const headers: Array<[string, string]> = r.headers.map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(',') : value,
        ]);
        if (contentType !== undefined) headers.push(['Content-Type', contentType]);
        const common = { credentials, region: x.region, service: x.service };
        const signed = await signRequest({
          ...common,
          method: r.method,
          url: `https://${HOST}/${path}${search ? `?${search}` : ''}`,
          headers,
          body,
          signingDate: x.signingDate,
        });
        const theirs = await smithyAuthorization(signed, { ...common, signingDate: x.signingDate });
        expect(signed.headers['Authorization']).toBe(theirs);
        compared += 1;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    expect(compared).toBeGreaterThanOrEqual(RUNS);
  }, 300_000);
});

/**
 * Where the two must differ, and why. Each case: ours is accepted by the gateway (the
 * independent verifier), SignatureV4's differs, and the difference is exactly the one named.
 */
describe('where signRequest and @smithy/signature-v4 must differ', () => {
  let gateway: SigV4Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway.close();
  });

  const signingDate = new Date();
  const common = { credentials: { ...TEST_KEYS }, region: 'us-east-1', service: 'execute-api' };

  // Headers that HTTP clients, browsers or proxies add or rewrite on the way (Accept-Encoding,
  // Cookie, Origin, Via, Forwarded, X-Forwarded-*): we never sign them, so a signature survives
  // the trip. SignatureV4 signs every header it is given but a short list.
  it.each([
    ['Accept-Encoding', 'gzip'],
    ['Cookie', 'session=1'],
    ['Origin', 'https://app.example.com'],
    ['Via', '1.1 proxy'],
    ['Forwarded', 'for=192.0.2.60'],
    ['X-Forwarded-For', '192.0.2.60'],
  ])('%s: we leave it unsigned; SignatureV4 signs it', async (name, value) => {
    const signed = await signRequest({
      ...common,
      url: `${gateway.url}/prod/notes`,
      headers: { [name]: value },
      signingDate,
    });
    const response = await fetch(signed.url, signed);
    expect(response.status).toBe(200);
    expect(signed.headers['Authorization']).not.toContain(name.toLowerCase());
    const theirs = await smithyAuthorization(signed, { ...common, signingDate });
    expect(theirs).toContain(name.toLowerCase());
    expect(signed.headers['Authorization']).not.toBe(theirs);
    // Told to leave it unsigned too, SignatureV4 agrees: the header set is the only difference.
    expect(
      await smithyAuthorization(signed, {
        ...common,
        signingDate,
        unsignableHeaders: new Set([name.toLowerCase()]),
      }),
    ).toBe(signed.headers['Authorization']);
  });

  // A lone surrogate cannot be UTF-8 encoded. We sign and send U+FFFD in its place (as
  // URLSearchParams and TextEncoder do); SignatureV4's encodeURIComponent throws a URIError.
  it('a lone surrogate in a query value: we send and sign U+FFFD; SignatureV4 throws', async () => {
    const api = signedClient(gateway, 'http');
    const response = await api.get('/notes', { params: { q: 'a\ud800' } });
    expect(response.status).toBe(200);
    expect(gateway.requests.at(-1)?.query).toEqual([['q', 'a\ufffd']]);
    const reference = new SignatureV4({ ...common, sha256, applyChecksum: false });
    await expect(
      reference.sign({
        method: 'GET',
        protocol: 'https:',
        hostname: HOST,
        path: '/',
        query: { q: 'a\ud800' },
        headers: { host: HOST },
      }),
    ).rejects.toThrow(URIError);
  });

  // Query-string auth parameters in the input (a URL that was presigned before): we drop them
  // all before signing, so a re-signed URL carries one set; SignatureV4 drops only
  // X-Amz-Signature and signs the stale X-Amz-Date, X-Amz-Credential, … as ordinary parameters.
  it('stale query-string auth parameters: we drop them all; SignatureV4 signs them', async () => {
    const stale =
      'X-Amz-Date=20000101T000000Z&X-Amz-Credential=AKIDOLD%2F20000101%2Fx%2Fy%2Faws4_request';
    const signed = await signRequest({
      ...common,
      url: `${gateway.url}/prod/notes?a=1&${stale}`,
      signingDate,
    });
    expect(new URL(signed.url).search).toBe('?a=1');
    expect((await fetch(signed.url, signed)).status).toBe(200);
    const withStale = { ...signed, url: `${signed.url}&${stale}` };
    expect(await smithyAuthorization(withStale, { ...common, signingDate })).not.toBe(
      signed.headers['Authorization'],
    );
    expect(await smithyAuthorization(signed, { ...common, signingDate })).toBe(
      signed.headers['Authorization'],
    );
  });
});
