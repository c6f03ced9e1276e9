import { createHash, createHmac } from 'node:crypto';

/**
 * A minimal header-auth signer written here, in the tests, straight from the SigV4 steps, for
 * requests the official vectors do not cover (a chosen SignedHeaders list, NBSP in a value).
 * Only for simple requests: the path and query are given already canonical, and every header
 * named in `signedHeaders` is signed with its value trimmed of spaces and tabs.
 */
export function signBySpec(request: {
  method: string;
  host: string;
  /** Path and query, already in canonical form (sorted, encoded). */
  path: string;
  query?: string;
  headers?: Array<[string, string]>;
  body?: string;
  signedHeaders?: string[];
  key: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region: string;
  service: string;
  date: Date;
}): { method: string; url: string; headers: Array<[string, string]>; body: string } {
  const amzDate = request.date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Array<[string, string]> = [
    ['host', request.host],
    ['x-amz-date', amzDate],
    ...(request.key.sessionToken === undefined
      ? []
      : [['x-amz-security-token', request.key.sessionToken] as [string, string]]),
    ...(request.headers ?? []),
  ];
  const signed =
    request.signedHeaders ?? [...new Set(headers.map(([name]) => name.toLowerCase()))].sort();
  const valueOf = (name: string) =>
    headers
      .filter(([n]) => n.toLowerCase() === name)
      .map(([, v]) => v.replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''))
      .join(',');
  const body = request.body ?? '';
  const canonical = [
    request.method,
    request.path,
    request.query ?? '',
    ...signed.map((name) => `${name}:${valueOf(name)}`),
    '',
    signed.join(';'),
    createHash('sha256').update(body).digest('hex'),
  ].join('\n');
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${request.key.secretAccessKey}`).update(day).digest();
  for (const part of [request.region, request.service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    method: request.method,
    url: `${request.path}${request.query ? `?${request.query}` : ''}`,
    headers: [
      ...headers,
      [
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${request.key.accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`,
      ],
    ],
    body,
  };
}
