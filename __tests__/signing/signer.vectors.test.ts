import { signWireRequest } from '../../lib/signing/signer';
import type { WireRequest } from '../../lib/signing/signer';
import { loadVectors } from '../helpers/vectors';
import type { Vector } from '../helpers/vectors';

/**
 * The signer itself, against the official AWS SigV4 vectors: for every vector that is valid
 * HTTP on the wire and normalises paths as API Gateway does, the canonical request, string to
 * sign and signature must be the vector's, in header and query form.
 */
function wireOf(vector: Vector): WireRequest {
  const text = vector.read('request.txt');
  const [head = '', body] = text.split('\n\n');
  const [requestLine = '', ...lines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '));
  const [path = '/', search = ''] = target.split('?');
  const headers: Record<string, string> = {};
  let host = '';
  for (const line of lines.filter(Boolean)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1);
    if (name === 'host') host = value;
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const query = search
    .split('&')
    .filter(Boolean)
    .map((part): [string, string] => {
      const eq = part.indexOf('=');
      const [name, value] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });
  return {
    method,
    protocol: 'https:',
    hostname: host,
    host,
    path,
    query,
    headers: Object.entries(headers),
    body: body || undefined,
  };
}

const eligible = loadVectors().filter((vector) => {
  const text = vector.read('request.txt');
  const target = text.split('\n')[0]!.split(' ').slice(1, -1).join(' ');
  return (
    vector.context.normalize &&
    vector.context.omit_session_token !== true &&
    !/ |[^\x21-\x7e]/.test(target) &&
    !/\n[ \t]/.test(text)
  );
});

it('covers the vectors that fit API Gateway', () => {
  expect(eligible.length).toBeGreaterThanOrEqual(25);
});

describe.each(['header', 'query'] as const)('signWireRequest, %s form', (mode) => {
  it.each(eligible.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    const { context } = vector;
    const wire = wireOf(vector);
    if (context.sign_body) {
      // These vectors sign x-amz-content-sha256 (apig-signer adds it only on request).
      const bodyHash = vector.read(`${mode}-canonical-request.txt`).split('\n').at(-1)!;
      if (mode === 'header') wire.headers.push(['x-amz-content-sha256', bodyHash]);
    }
    let steps: { canonicalRequest: string; stringToSign: string } | undefined;
    const output = await signWireRequest(
      wire,
      {
        credentials: {
          accessKeyId: context.credentials.access_key_id,
          secretAccessKey: context.credentials.secret_access_key,
          ...(context.credentials.token ? { sessionToken: context.credentials.token } : {}),
        },
        region: context.region,
        service: context.service,
        signingDate: new Date(context.timestamp),
        signQuery: mode === 'query',
        expiresIn: context.expiration_in_seconds,
        unsignedPayload: false,
      },
      (s) => {
        steps = s;
      },
    );
    expect(steps?.canonicalRequest).toBe(vector.read(`${mode}-canonical-request.txt`));
    expect(steps?.stringToSign).toBe(vector.read(`${mode}-string-to-sign.txt`));
    const signature = vector.read(`${mode}-signature.txt`).trim();
    if (mode === 'header')
      expect(output.headers['Authorization']).toContain(`Signature=${signature}`);
    else expect(output.search).toContain(`X-Amz-Signature=${signature}`);
  });
});
