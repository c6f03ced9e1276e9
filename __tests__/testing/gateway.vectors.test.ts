import { startSigV4Gateway } from '../../lib/testing';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  splitRawQuery,
} from '../../lib/testing/gateway/canonical';
import { sendRaw } from '../helpers/rawHttp';
import { loadVectors, toWire } from '../helpers/vectors';
import type { Vector } from '../helpers/vectors';

/**
 * The stand-in gateway is the independent judge of the signer, so it is itself judged by the
 * official AWS SigV4 vectors: every vector that is valid HTTP on the wire must be accepted as
 * signed, and refused once one character of its signature is changed.
 */
const vectors = loadVectors();
const MODES = ['header', 'query'] as const;

/** Raw spaces or non-ASCII bytes in the request target, and obs-folded headers, are not HTTP. */
function invalidOnWire(vector: Vector): boolean {
  const text = vector.read('request.txt');
  const target = text.split('\n')[0]!.split(' ').slice(1, -1).join(' ');
  return / |[^\x21-\x7e]/.test(target) || /\n[ \t]/.test(text);
}

function gatewayFor(vector: Vector) {
  const { context } = vector;
  return startSigV4Gateway({
    region: context.region,
    service: context.service,
    now: () => new Date(context.timestamp),
    normalizePath: context.normalize,
    // post-sts-header-after appends the token after signing, as some AWS services allow.
    requireSignedSessionToken: context.omit_session_token !== true,
    credentials: [
      {
        accessKeyId: context.credentials.access_key_id,
        secretAccessKey: context.credentials.secret_access_key,
        sessionToken: context.credentials.token,
      },
    ],
  });
}

/** Changes one hex digit of the signature, wherever it is (header or query). */
function tamper(signedRequest: string): string {
  return signedRequest.replace(
    /(Signature=[0-9a-f]{10})([0-9a-f])/,
    (_m, head: string, digit: string) => `${head}${digit === '0' ? '1' : '0'}`,
  );
}

it('has the whole aws-c-auth suite vendored', () => {
  expect(vectors.length).toBe(38);
});

describe('startSigV4Gateway against the AWS SigV4 vectors', () => {
  const valid = vectors.filter((vector) => !invalidOnWire(vector));

  it('leaves out only the vectors that are not valid HTTP on the wire', () => {
    expect(vectors.filter(invalidOnWire).map((v) => v.name)).toEqual([
      'get-header-value-multiline',
      'get-space-normalized',
      'get-space-unnormalized',
      'get-utf8',
      'get-vanilla-utf8-query',
    ]);
  });

  describe.each(MODES)('%s auth', (mode) => {
    it.each(valid.map((vector) => [vector.name, vector] as const))(
      '%s: accepted as signed, with the canonical request of the vector',
      async (_name, vector) => {
        const gateway = await gatewayFor(vector);
        try {
          const response = await sendRaw(
            gateway.port,
            toWire(vector.read(`${mode}-signed-request.txt`), ['Connection: close']),
          );
          expect(response.status).toBe(200);
          const { verdict } = gateway.requests[0]!;
          expect(verdict.accepted).toBe(true);
          expect(verdict.canonicalRequest).toBe(vector.read(`${mode}-canonical-request.txt`));
          expect(verdict.stringToSign).toBe(vector.read(`${mode}-string-to-sign.txt`));
        } finally {
          await gateway.close();
        }
      },
    );

    it.each(valid.map((vector) => [vector.name, vector] as const))(
      '%s: refused with one signature character changed',
      async (_name, vector) => {
        const gateway = await gatewayFor(vector);
        try {
          const signed = vector.read(`${mode}-signed-request.txt`);
          const tampered = tamper(signed);
          expect(tampered).not.toBe(signed);
          const response = await sendRaw(gateway.port, toWire(tampered, ['Connection: close']));
          expect(response.status).toBe(403);
          expect(response.text).toContain('x-amzn-ErrorType: InvalidSignatureException');
          expect(gateway.requests[0]!.verdict.accepted).toBe(false);
        } finally {
          await gateway.close();
        }
      },
    );
  });

  it.each(vectors.filter(invalidOnWire).map((vector) => [vector.name, vector] as const))(
    '%s: refused by the HTTP layer (400) before any verdict',
    async (_name, vector) => {
      const gateway = await gatewayFor(vector);
      try {
        const response = await sendRaw(
          gateway.port,
          toWire(vector.read('header-signed-request.txt'), ['Connection: close']),
        );
        expect(response.status).toBe(400);
        expect(gateway.requests).toHaveLength(0);
      } finally {
        await gateway.close();
      }
    },
  );
});

describe('the verifier canonicalisation, on every vector (raw bytes, no HTTP server)', () => {
  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const raw = Buffer.from(vector.read('header-signed-request.txt'), 'utf8');
    const text = raw.toString('latin1');
    const [head = ''] = text.split('\n\n');
    const [requestLine = '', ...headerLines] = head.replace(/\n[ \t]+/g, ' ').split('\n');
    const method = requestLine.slice(0, requestLine.indexOf(' '));
    const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '));
    const q = target.indexOf('?');
    const rawPath = Buffer.from(q === -1 ? target : target.slice(0, q), 'latin1');
    const rawQuery = Buffer.from(q === -1 ? '' : target.slice(q + 1), 'latin1');
    const headers = headerLines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1)];
    });
    const expected = vector.read('header-canonical-request.txt').split('\n');
    const signedHeaders = expected[expected.length - 2]!.split(';');
    const canonical = canonicalHeaders(headers, signedHeaders);
    expect(canonicalUri(rawPath, vector.context.normalize)).toBe(expected[1]);
    expect(canonicalQuery(splitRawQuery(rawQuery), new Set())).toBe(expected[2]);
    expect('text' in canonical && canonical.text).toBe(
      `${expected.slice(3, expected.length - 3).join('\n')}\n`,
    );
  });
});
