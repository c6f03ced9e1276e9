import { startSigV4Gateway, verifySigV4 } from '../../lib/testing';
import type { SigV4Request, VerifySigV4Options } from '../../lib/testing';
import { sendRaw } from '../helpers/rawHttp';
import { signBySpec } from '../helpers/specSigner';
import { loadVectors } from '../helpers/vectors';
import type { Vector } from '../helpers/vectors';

/**
 * The tamper suite: every official AWS SigV4 vector, in header and query auth, is accepted as
 * signed; then every part of it is changed in turn (method, path, each query pair, each header
 * line, body, date, token, scope, signature, SignedHeaders; parameters and header lines added)
 * and each change must be refused, while every difference the specification allows (query
 * order, dot segments, header name case and whitespace, unsigned headers) must be accepted.
 */
const vectors = loadVectors();
const MODES = ['header', 'query'] as const;
type Mode = (typeof MODES)[number];

interface Wire {
  method: string;
  path: string;
  /** Query pairs as on the wire (still encoded). */
  query: Array<[string, string | undefined]>;
  headers: Array<[string, string]>;
  body: string;
}

/** A vector's signed request text, read as an HTTP/1.1 parser would (obs-fold unfolded). */
function parse(text: string): Wire {
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text.replace(/\n$/, '') : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 2);
  const [requestLine = '', ...lines] = head.replace(/\n[ \t]+/g, ' ').split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '));
  const q = target.indexOf('?');
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  return {
    method,
    path: q === -1 ? target : target.slice(0, q),
    query: rawQuery
      .split('&')
      .filter((part) => part !== '')
      .map((part): [string, string | undefined] => {
        const eq = part.indexOf('=');
        return eq === -1 ? [part, undefined] : [part.slice(0, eq), part.slice(eq + 1)];
      }),
    headers: lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1)];
    }),
    body,
  };
}

function toRequest(wire: Wire): SigV4Request {
  const query = wire.query
    .map(([name, value]) => (value === undefined ? name : `${name}=${value}`))
    .join('&');
  return {
    method: wire.method,
    url: `${wire.path}${query === '' ? '' : `?${query}`}`,
    headers: wire.headers,
    body: wire.body,
  };
}

function optionsFor(vector: Vector): VerifySigV4Options {
  const { context } = vector;
  return {
    region: context.region,
    service: context.service,
    now: new Date(context.timestamp),
    normalizePath: context.normalize,
    // post-sts-header-after adds the token after signing, as some AWS services allow.
    requireSignedSessionToken: context.omit_session_token !== true,
    credentials: [
      {
        accessKeyId: context.credentials.access_key_id,
        secretAccessKey: context.credentials.secret_access_key,
        sessionToken: context.credentials.token,
      },
    ],
  };
}

const changed = (value: string) => `${value}x`;
const isAuthorization = (name: string) => name.toLowerCase() === 'authorization';

/** Edits the credential (`key/date/region/service/aws4_request`) wherever the mode keeps it. */
function withCredential(wire: Wire, mode: Mode, edit: (parts: string[]) => void): Wire {
  const rewrite = (credential: string) => {
    const parts = credential.split('/');
    edit(parts);
    return parts.join('/');
  };
  if (mode === 'header') {
    return {
      ...wire,
      headers: wire.headers.map(([name, value]): [string, string] => [
        name,
        isAuthorization(name)
          ? value.replace(/Credential=([^,]*)/, (_m, c: string) => `Credential=${rewrite(c)}`)
          : value,
      ]),
    };
  }
  return {
    ...wire,
    query: wire.query.map(([name, value]): [string, string | undefined] => [
      name,
      name === 'X-Amz-Credential' && value !== undefined
        ? encodeURIComponent(rewrite(decodeURIComponent(value)))
        : value,
    ]),
  };
}

/** Replaces the value of one header (every line of it) or one query parameter. */
function withHeader(wire: Wire, lower: string, edit: (value: string) => string): Wire {
  return {
    ...wire,
    headers: wire.headers.map(([name, value]): [string, string] => [
      name,
      name.toLowerCase() === lower ? edit(value) : value,
    ]),
  };
}
function withParam(wire: Wire, param: string, edit: (value: string) => string): Wire {
  return {
    ...wire,
    query: wire.query.map(([name, value]): [string, string | undefined] => [
      name,
      name === param && value !== undefined ? edit(value) : value,
    ]),
  };
}

/** The header names the vector signed, from `Authorization` or `X-Amz-SignedHeaders`. */
function signedNamesOf(wire: Wire, mode: Mode): string[] {
  const list =
    mode === 'header'
      ? /SignedHeaders=([^,]*)/.exec(wire.headers.find(([n]) => isAuthorization(n))?.[1] ?? '')?.[1]
      : decodeURIComponent(wire.query.find(([n]) => n === 'X-Amz-SignedHeaders')?.[1] ?? '');
  return (list ?? '').split(';');
}

/** One second later, in `X-Amz-Date` form. */
const nextSecond = (amzDate: string) =>
  amzDate.replace(
    /(\d{2})Z$/,
    (_m, s: string) => `${String((Number(s) + 1) % 60).padStart(2, '0')}Z`,
  );

function tamperings(wire: Wire, mode: Mode, vector: Vector): Array<[string, Wire]> {
  const out: Array<[string, Wire]> = [
    ['method changed', { ...wire, method: wire.method === 'GET' ? 'POST' : 'GET' }],
    ['path changed', { ...wire, path: `${wire.path}${wire.path.endsWith('/') ? '' : '/'}x` }],
    ['body changed', { ...wire, body: changed(wire.body) }],
    ['a parameter added', { ...wire, query: [...wire.query, ['added', '1']] }],
  ];
  const signed = signedNamesOf(wire, mode);
  for (const name of signed) {
    out.push([
      `signed header ${name}: a line added`,
      { ...wire, headers: [...wire.headers, [name, 'added']] },
    ]);
  }
  if (!vector.context.normalize) {
    out.push([
      'dot segments, where the path is not normalised',
      { ...wire, path: `/.${wire.path}` },
    ]);
  }
  wire.query.forEach(([name, value], i) => {
    const at = (pair: [string, string | undefined]) =>
      wire.query.map((p, j) => (j === i ? pair : p));
    out.push([
      `query pair ${i} (${name}): value changed`,
      { ...wire, query: at([name, changed(value ?? '')]) },
    ]);
    out.push([
      `query pair ${i} (${name}): name changed`,
      { ...wire, query: at([changed(name), value]) },
    ]);
    out.push([
      `query pair ${i} (${name}): removed`,
      { ...wire, query: wire.query.filter((_p, j) => j !== i) },
    ]);
  });
  wire.headers.forEach(([name, value], i) => {
    if (!signed.includes(name.toLowerCase())) return;
    const at = (line: [string, string]) => wire.headers.map((h, j) => (j === i ? line : h));
    out.push([
      `header line ${i} (${name}): value changed`,
      { ...wire, headers: at([name, changed(value)]) },
    ]);
    out.push([
      `header line ${i} (${name}): removed`,
      { ...wire, headers: wire.headers.filter((_h, j) => j !== i) },
    ]);
  });
  out.push(
    [
      'date changed',
      mode === 'header'
        ? withHeader(wire, 'x-amz-date', nextSecond)
        : withParam(wire, 'X-Amz-Date', nextSecond),
    ],
    ['scope: access key changed', withCredential(wire, mode, (p) => (p[0] = 'AKIDOTHER'))],
    ['scope: date changed', withCredential(wire, mode, (p) => (p[1] = '20150831'))],
    ['scope: region changed', withCredential(wire, mode, (p) => (p[2] = 'us-west-2'))],
    ['scope: service changed', withCredential(wire, mode, (p) => (p[3] = 'other'))],
    ['scope: terminator changed', withCredential(wire, mode, (p) => (p[4] = 'aws4_requesx'))],
  );
  const flip = (signature: string) =>
    `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
  if (mode === 'header') {
    out.push(
      [
        'signature changed',
        withHeader(wire, 'authorization', (v) =>
          v.replace(/Signature=([0-9a-f]+)/, (_m, s: string) => `Signature=${flip(s)}`),
        ),
      ],
      [
        'SignedHeaders: one name left out',
        withHeader(wire, 'authorization', (v) =>
          v.replace(/SignedHeaders=([^,]*)/, (_m, list: string) => {
            const names = list.split(';');
            names.splice(1, 1);
            return `SignedHeaders=${names.join(';')}`;
          }),
        ),
      ],
      [
        'X-Amz-Signature added to the query',
        {
          ...wire,
          query: [
            ...wire.query,
            [
              'X-Amz-Signature',
              /Signature=([0-9a-f]+)/.exec(
                wire.headers.find(([n]) => isAuthorization(n))?.[1] ?? '',
              )?.[1],
            ],
          ],
        },
      ],
    );
  } else {
    out.push(['signature changed', withParam(wire, 'X-Amz-Signature', flip)]);
  }
  if (vector.context.credentials.token !== undefined) {
    const token = (value: string) => `${value.slice(0, -3)}xyz`;
    out.push(
      [
        'token changed',
        withParam(withHeader(wire, 'x-amz-security-token', token), 'X-Amz-Security-Token', token),
      ],
      [
        'token removed',
        {
          ...wire,
          headers: wire.headers.filter(([n]) => n.toLowerCase() !== 'x-amz-security-token'),
          query: wire.query.filter(([n]) => n !== 'X-Amz-Security-Token'),
        },
      ],
    );
  }
  return out;
}

function harmless(wire: Wire, vector: Vector): Array<[string, Wire]> {
  const out: Array<[string, Wire]> = [
    [
      'header names upper-cased',
      { ...wire, headers: wire.headers.map(([n, v]) => [n.toUpperCase(), v]) },
    ],
    [
      'header names lower-cased',
      { ...wire, headers: wire.headers.map(([n, v]) => [n.toLowerCase(), v]) },
    ],
    [
      'spaces and tabs around and inside signed header values',
      {
        ...wire,
        headers: wire.headers.map(([n, v]) => [
          n,
          isAuthorization(n) ? v : ` \t${v.replace(/ /g, ' \t  ')}\t `,
        ]),
      },
    ],
    [
      'an unsigned header added',
      { ...wire, headers: [...wire.headers, ['X-Unsigned', 'anything']] },
    ],
  ];
  if (wire.query.length > 1) {
    out.push(['query pairs in reverse order', { ...wire, query: [...wire.query].reverse() }]);
  }
  if (vector.context.normalize) {
    out.push(
      ['a `.` segment', { ...wire, path: `/.${wire.path}` }],
      ['a `..` segment', { ...wire, path: `/extra/..${wire.path}` }],
      ['an empty segment', { ...wire, path: `/${wire.path}` }],
    );
  }
  return out;
}

describe.each(MODES)('verifySigV4, %s auth, on every AWS vector', (mode) => {
  describe.each(vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const wire = parse(vector.read(`${mode}-signed-request.txt`));
    const options = optionsFor(vector);

    it('accepts the vector, with its canonical request and string to sign', () => {
      const verdict = verifySigV4(toRequest(wire), options);
      expect(verdict).toMatchObject({ accepted: true, status: 200, authMode: mode });
      expect(verdict.canonicalRequest).toBe(vector.read(`${mode}-canonical-request.txt`));
      expect(verdict.stringToSign).toBe(vector.read(`${mode}-string-to-sign.txt`));
    });

    it.each(tamperings(wire, mode, vector))('%s: refused', (_change, tampered) => {
      const verdict = verifySigV4(toRequest(tampered), options);
      expect(verdict.accepted).toBe(false);
      expect(verdict.status).toBeGreaterThanOrEqual(400);
      expect(verdict.errorType).toMatch(/^[A-Za-z0-9]+$/);
    });

    it.each(harmless(wire, vector))('%s: accepted', (_change, variant) => {
      const verdict = verifySigV4(toRequest(variant), options);
      expect(verdict.message).toBeUndefined();
      expect(verdict.accepted).toBe(true);
    });
  });
});

describe('what AWS requires of SignedHeaders', () => {
  const key = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
  const base = {
    method: 'GET',
    host: 'abc.execute-api.us-east-1.amazonaws.com',
    path: '/prod/items',
    key,
    region: 'us-east-1',
    service: 'execute-api',
    date: new Date('2026-01-02T03:04:05Z'),
  };
  const options = { credentials: [key], now: base.date };

  it('accepts host and x-amz-date signed', () => {
    expect(verifySigV4(signBySpec(base), options).accepted).toBe(true);
  });

  it('refuses a valid signature whose SignedHeaders leaves out x-amz-date (header auth)', () => {
    const verdict = verifySigV4(signBySpec({ ...base, signedHeaders: ['host'] }), options);
    expect(verdict).toMatchObject({
      accepted: false,
      status: 403,
      errorType: 'IncompleteSignatureException',
      message: "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('refuses a valid signature whose SignedHeaders leaves out host', () => {
    const verdict = verifySigV4(signBySpec({ ...base, signedHeaders: ['x-amz-date'] }), options);
    expect(verdict).toMatchObject({
      accepted: false,
      errorType: 'IncompleteSignatureException',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('refuses a SignedHeaders list out of order, in upper case, or with repeats', () => {
    for (const signedHeaders of [
      ['x-amz-date', 'host'],
      ['Host', 'x-amz-date'],
      ['host', 'host', 'x-amz-date'],
    ]) {
      expect(verifySigV4(signBySpec({ ...base, signedHeaders }), options).accepted).toBe(false);
    }
  });

  it('refuses a valid signature with an unsigned session token header (by default)', () => {
    const temporary = { ...key, sessionToken: 'token-1' };
    const signed = signBySpec({
      ...base,
      key: temporary,
      signedHeaders: ['host', 'x-amz-date'],
    });
    const verdict = verifySigV4(signed, { ...options, credentials: [temporary] });
    expect(verdict.errorType).toBe('InvalidSignatureException');
    expect(verdict.message).toContain('security token must be covered');
  });
});

describe('header values are trimmed of spaces and tabs only (SigV4), not of Unicode spaces', () => {
  const key = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
  const date = new Date('2026-01-02T03:04:05Z');
  const request = signBySpec({
    method: 'GET',
    host: 'abc.execute-api.us-east-1.amazonaws.com',
    path: '/',
    headers: [['x-note', '\u00a0padded\u00a0 \u2003']],
    key,
    region: 'us-east-1',
    service: 'execute-api',
    date,
  });

  it('accepts a value signed with NBSP and em space at its ends', () => {
    const verdict = verifySigV4(request, { credentials: [key], now: date });
    expect(verdict.accepted).toBe(true);
    expect(verdict.canonicalRequest).toContain('\nx-note:\u00a0padded\u00a0 \u2003\n');
  });

  it('refuses the same request with the NBSP stripped', () => {
    const stripped = {
      ...request,
      headers: request.headers.map(([n, v]): [string, string] => [
        n,
        n === 'x-note' ? 'padded' : v,
      ]),
    };
    expect(verifySigV4(stripped, { credentials: [key], now: date }).accepted).toBe(false);
  });
});

describe('the tampering that used to pass, over HTTP', () => {
  const vector = vectors.find((v) => v.name === 'get-vanilla-query-order-key-case')!;

  it('refuses X-Amz-Signature appended to the query of a header-signed request', async () => {
    const gateway = await startSigV4Gateway({
      ...optionsFor(vector),
      now: () => new Date(vector.context.timestamp),
    });
    try {
      const text = vector.read('header-signed-request.txt');
      const signature = /Signature=([0-9a-f]+)/.exec(text)![1]!;
      const tampered = text.replace(
        /^GET (\S+) HTTP/,
        (_m, target: string) => `GET ${target}&X-Amz-Signature=${signature} HTTP`,
      );
      expect(tampered).not.toBe(text);
      const wire = Buffer.from(
        `${tampered.trimEnd().replace(/\n/g, '\r\n')}\r\nConnection: close\r\n\r\n`,
      );
      const response = await sendRaw(gateway.port, wire);
      expect(response.status).toBe(403);
      expect(response.text).toContain('x-amzn-ErrorType: InvalidSignatureException');
      expect(gateway.requests[0]!.verdict.canonicalRequest).toContain(
        `\nParam1=value1&Param2=value2&X-Amz-Signature=${signature}\n`,
      );
    } finally {
      await gateway.close();
    }
  });

  it('accepts a header value ending in NBSP, as sent by Node', async () => {
    const key = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
    const gateway = await startSigV4Gateway({ credentials: [key] });
    try {
      const signed = signBySpec({
        method: 'GET',
        host: `127.0.0.1:${gateway.port}`,
        path: '/',
        headers: [['x-note', 'padded\u00a0']],
        key,
        region: 'us-east-1',
        service: 'execute-api',
        date: new Date(),
      });
      const head = [
        `GET / HTTP/1.1`,
        ...signed.headers.map(([n, v]) => `${n}: ${v}`),
        'Connection: close',
      ].join('\r\n');
      const response = await sendRaw(gateway.port, Buffer.from(`${head}\r\n\r\n`, 'latin1'));
      expect(gateway.requests[0]!.verdict.message).toBeUndefined();
      expect(response.status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});
