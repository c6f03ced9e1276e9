import * as sha256 from '../../lib/signing/sha256';
import { signWireRequest } from '../../lib/signing/signer';
import type { SignParams, WireRequest } from '../../lib/signing/signer';

/**
 * Work that can be done once is done once: the signing key (four HMACs over the secret) is
 * derived once per key id, secret (and token), day, region and service, not per request. Each
 * further request costs one HMAC, its signature.
 */
const wire: WireRequest = {
  method: 'GET',
  protocol: 'https:',
  hostname: 'a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com',
  host: 'a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com',
  path: '/prod/notes',
  query: [['q', 'two words']],
  headers: [],
  body: undefined,
};

const params = (overrides: Partial<SignParams> = {}): SignParams => ({
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/KEY' },
  region: 'eu-west-2',
  service: 'execute-api',
  signingDate: new Date('2026-11-28T10:00:00Z'),
  signQuery: false,
  expiresIn: 300,
  unsignedPayload: false,
  ...overrides,
});

afterEach(() => {
  jest.restoreAllMocks();
});

it('derives the signing key once per key id and secret, day, region and service', async () => {
  const keyHmacs = jest.spyOn(sha256, 'hmacSha256');
  const signatureHmacs = jest.spyOn(sha256, 'hmacSha256Hex');
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/KEY' };

  const first = await signWireRequest(wire, params({ credentials }));
  expect(keyHmacs).toHaveBeenCalledTimes(4); // date, region, service, "aws4_request"
  for (let i = 1; i <= 20; i += 1) {
    const signingDate = new Date(Date.parse('2026-11-28T10:00:00Z') + i * 60_000);
    await signWireRequest(wire, params({ credentials, signingDate }));
  }
  expect(keyHmacs).toHaveBeenCalledTimes(4);
  expect(signatureHmacs).toHaveBeenCalledTimes(21);

  // Same key on a later request: the signature is the same for the same request and time.
  const again = await signWireRequest(wire, params({ credentials }));
  expect(again.headers['Authorization']).toBe(first.headers['Authorization']);

  // A new day, region or service needs its own key.
  await signWireRequest(
    wire,
    params({ credentials, signingDate: new Date('2026-11-29T00:00:01Z') }),
  );
  await signWireRequest(wire, params({ credentials, region: 'us-east-1' }));
  await signWireRequest(wire, params({ credentials, service: 'lambda' }));
  expect(keyHmacs).toHaveBeenCalledTimes(4 * 4);
  // Another object with the same keys (a strategy that answers a fresh copy each time) shares it.
  await signWireRequest(wire, params({ credentials: { ...credentials } }));
  expect(keyHmacs).toHaveBeenCalledTimes(4 * 4);
});

it('derives a new key when the same object is given a new secret, key id or token', async () => {
  const keyHmacs = jest.spyOn(sha256, 'hmacSha256');
  const credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
    accessKeyId: 'AKIDROTATED',
    secretAccessKey: 'before/rotation',
  };
  const before = await signWireRequest(wire, params({ credentials }));
  credentials.secretAccessKey = 'rotated/SECRET';
  const rotated = await signWireRequest(wire, params({ credentials }));
  expect(rotated.headers['Authorization']).not.toBe(before.headers['Authorization']);
  expect(rotated).toEqual(
    await signWireRequest(
      wire,
      params({ credentials: { accessKeyId: 'AKIDROTATED', secretAccessKey: 'rotated/SECRET' } }),
    ),
  );
  expect(keyHmacs).toHaveBeenCalledTimes(4 * 2);
  credentials.accessKeyId = 'ASIANEWKEY';
  credentials.sessionToken = 'new-token';
  await signWireRequest(wire, params({ credentials }));
  expect(keyHmacs).toHaveBeenCalledTimes(4 * 3);
  // Back to the first keys: still cached.
  credentials.accessKeyId = 'AKIDROTATED';
  credentials.secretAccessKey = 'before/rotation';
  delete credentials.sessionToken;
  expect(await signWireRequest(wire, params({ credentials }))).toEqual(before);
  expect(keyHmacs).toHaveBeenCalledTimes(4 * 3);
});

it('keeps the keys of a bounded number of secrets', async () => {
  const keyHmacs = jest.spyOn(sha256, 'hmacSha256');
  const secrets = Array.from({ length: 200 }, (_, i) => `secret-${i}`);
  for (const secretAccessKey of secrets) {
    await signWireRequest(
      wire,
      params({ credentials: { accessKeyId: 'AKIDMANY', secretAccessKey } }),
    );
  }
  keyHmacs.mockClear();
  await signWireRequest(
    wire,
    params({ credentials: { accessKeyId: 'AKIDMANY', secretAccessKey: secrets.at(-1)! } }),
  );
  expect(keyHmacs).not.toHaveBeenCalled();
  await signWireRequest(
    wire,
    params({ credentials: { accessKeyId: 'AKIDMANY', secretAccessKey: secrets[0]! } }),
  );
  expect(keyHmacs).toHaveBeenCalledTimes(4);
});

it('does not keep one secret’s old keys without bound', async () => {
  const keyHmacs = jest.spyOn(sha256, 'hmacSha256');
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/KEY' };
  const regions = Array.from({ length: 40 }, (_, i) => `eu-test-${i}`);
  for (const region of regions) await signWireRequest(wire, params({ credentials, region }));
  keyHmacs.mockClear();
  // The most recent key is still cached; the first one was dropped with the others.
  await signWireRequest(wire, params({ credentials, region: regions.at(-1)! }));
  expect(keyHmacs).not.toHaveBeenCalled();
  await signWireRequest(wire, params({ credentials, region: regions[0]! }));
  expect(keyHmacs).toHaveBeenCalledTimes(4);
});
