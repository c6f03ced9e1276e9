import { createHash, createHmac } from 'node:crypto';

import { DEFAULT_GATEWAY_CREDENTIALS, startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';

const MINUTE = 60_000;

const amzDateOf = (date: Date) =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

/**
 * A query-auth signer written here from the SigV4 steps (no apig-signer code): the parameter
 * names and values used are unreserved-only, so they are their own canonical form.
 */
function presignBySpec(gateway: SigV4Gateway, signedAt: Date, expires: number): string {
  const key = DEFAULT_GATEWAY_CREDENTIALS;
  const amzDate = amzDateOf(signedAt);
  const day = amzDate.slice(0, 8);
  const scope = `${day}/us-east-1/execute-api/aws4_request`;
  const params: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${key.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expires)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const query = params
    .map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const canonical = [
    'GET',
    '/prod/ws',
    query,
    `host:127.0.0.1:${gateway.port}`,
    '',
    'host',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let k: Buffer = createHmac('sha256', `AWS4${key.secretAccessKey}`).update(day).digest();
  for (const part of ['us-east-1', 'execute-api', 'aws4_request']) {
    k = createHmac('sha256', k).update(part).digest();
  }
  const signature = createHmac('sha256', k).update(stringToSign).digest('hex');
  return `${gateway.url}/prod/ws?${query}&X-Amz-Signature=${signature}`;
}

let gateway: SigV4Gateway;
afterEach(async () => {
  await gateway.close();
});

async function answerTo(url: string) {
  const response = await fetch(url);
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    date: response.headers.get('date'),
    body: (await response.json()) as { message?: string },
  };
}

describe("startSigV4Gateway: query auth outside its window (API Gateway's answer)", () => {
  const now = new Date('2030-06-01T12:00:00Z');

  it('answers an expired query-signed request as API Gateway does: 403 InvalidSignatureException "Signature expired", server time in message and Date', async () => {
    gateway = await startSigV4Gateway({ now: () => now });
    const answer = await answerTo(
      presignBySpec(gateway, new Date(now.getTime() - 6 * MINUTE), 900),
    );
    expect(answer).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      date: now.toUTCString(),
      body: {
        message:
          'Signature expired: 20300601T115400Z is now earlier than 20300601T115500Z (20300601T120000Z - 5 min.)',
      },
    });
  });

  it('answers one dated in the future as "Signature not yet current"', async () => {
    gateway = await startSigV4Gateway({ now: () => now });
    const answer = await answerTo(presignBySpec(gateway, new Date(now.getTime() + 6 * MINUTE), 60));
    expect(answer).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      date: now.toUTCString(),
      body: {
        message:
          'Signature not yet current: 20300601T120600Z is still later than 20300601T120500Z (20300601T120000Z + 5 min.)',
      },
    });
  });

  it('ends the window at a shorter X-Amz-Expires, with the same type and words', async () => {
    gateway = await startSigV4Gateway({ now: () => now });
    const answer = await answerTo(presignBySpec(gateway, new Date(now.getTime() - 2 * MINUTE), 60));
    expect(answer).toMatchObject({
      status: 403,
      errorType: 'InvalidSignatureException',
      body: {
        message:
          'Signature expired: 20300601T115800Z is now earlier than 20300601T115900Z (20300601T120000Z - 1 min.)',
      },
    });
  });

  it('accepts inside the window: up to X-Amz-Expires, and a clock up to 5 minutes behind it', async () => {
    gateway = await startSigV4Gateway({ now: () => now });
    for (const [offset, expires] of [
      [-59_000, 60],
      [-4 * MINUTE, 900],
      [2 * MINUTE, 60],
      [4 * MINUTE, 60],
    ] as const) {
      const answer = await answerTo(
        presignBySpec(gateway, new Date(now.getTime() + offset), expires),
      );
      expect([offset, answer.status]).toEqual([offset, 200]);
    }
  });

  it('caps a long X-Amz-Expires at the 5-minute window, as API Gateway does', async () => {
    gateway = await startSigV4Gateway({ now: () => now });
    const answer = await answerTo(
      presignBySpec(gateway, new Date(now.getTime() - 5 * MINUTE - 1000), 604_800),
    );
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/^Signature expired: .* - 5 min\.\)$/);
  });

  it('states a window that is not whole minutes in seconds (maxSkewMs)', async () => {
    gateway = await startSigV4Gateway({ now: () => now, maxSkewMs: 90_000 });
    const answer = await answerTo(presignBySpec(gateway, new Date(now.getTime() + 2 * MINUTE), 60));
    expect(answer.body.message).toBe(
      'Signature not yet current: 20300601T120200Z is still later than 20300601T120130Z (20300601T120000Z + 90 sec.)',
    );
  });
});
