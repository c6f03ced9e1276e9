import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

import axios from 'axios';

import { SigningError, apigSigner } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import {
  TEST_KEYS,
  bodyOf,
  echoOf,
  headerOf,
  signedClient,
  startTestGateway,
} from '../helpers/setup';

/**
 * `apigSigner: { payloadHash }`: a stream body signed with the SHA-256 its caller computed. The
 * gateway hashes the bytes it received, independently of the signer, so it judges whether the
 * hash given was the hash of what was sent.
 */
const CHUNKS = ['a stream ', 'of three ', 'chunks'];
const BYTES = Buffer.from(CHUNKS.join(''));
const HASH = createHash('sha256').update(BYTES).digest('hex');
const stream = () => Readable.from(CHUNKS.map((chunk) => Buffer.from(chunk)));

let gateway: SigV4Gateway;
beforeEach(async () => {
  gateway = await startTestGateway();
});
afterEach(() => gateway.close());

describe('apigSigner: per-request payloadHash', () => {
  it('a stream signed with the hash of its bytes is accepted; no payload header is added', async () => {
    const api = signedClient(gateway, 'http');
    const response = await api.put('/upload', stream(), {
      headers: { 'Content-Type': 'application/octet-stream' },
      apigSigner: { payloadHash: HASH },
    });
    expect(response.status).toBe(200);
    const echo = echoOf(response.data);
    expect(bodyOf(echo).equals(BYTES)).toBe(true);
    expect(headerOf(echo, 'x-amz-content-sha256')).toBeUndefined();
    // Sent as it was read, chunked: the gateway hashed the bytes as they arrived.
    expect(headerOf(echo, 'transfer-encoding')).toBe('chunked');
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
  });

  it('a stream signed with the hash of other bytes is refused by the gateway', async () => {
    const api = signedClient(gateway, 'http');
    const other = createHash('sha256').update('other bytes').digest('hex');
    const response = await api.put('/upload', stream(), {
      apigSigner: { payloadHash: other },
      validateStatus: () => true,
    });
    expect(response.status).toBe(403);
    const [received] = gateway.requests;
    expect(received!.body.equals(BYTES)).toBe(true);
    expect(received!.verdict).toMatchObject({
      accepted: false,
      errorType: 'InvalidSignatureException',
    });
    expect(received!.verdict.message).toContain(
      'The request signature we calculated does not match',
    );
  });

  it('wins over unsignedPayload: the stream is signed with its hash, not UNSIGNED-PAYLOAD', async () => {
    const api = signedClient(gateway, 'http', { unsignedPayload: true });
    const response = await api.put('/upload', stream(), { apigSigner: { payloadHash: HASH } });
    expect(headerOf(echoOf(response.data), 'x-amz-content-sha256')).toBeUndefined();
    expect(gateway.requests[0]!.verdict.accepted).toBe(true);
  });

  const refused: Array<[string, string, () => unknown]> = [
    ['upper-case hex', HASH.toUpperCase(), stream],
    ['63 digits', HASH.slice(1), stream],
    ['65 digits', `${HASH}0`, stream],
    ['not hex', `${HASH.slice(1)}g`, stream],
    ['base64', createHash('sha256').update(BYTES).digest('base64'), stream],
    ['empty', '', stream],
    ['a Buffer body (the signer hashes bytes itself)', HASH, () => BYTES],
    ['a string body', HASH, () => BYTES.toString()],
    ['no body', HASH, () => undefined],
  ];

  it.each(refused)(
    '%s: SigningError ERR_PAYLOAD_HASH before any I/O, the stream unread',
    async (_, payloadHash, body) => {
      const strategy = jest.fn(() => Promise.resolve({ ...TEST_KEYS }));
      const api = axios.create({ baseURL: `${gateway.url}/prod` });
      api.interceptors.request.use(
        apigSigner({ credentials: strategy, region: 'us-east-1', hosts: ['127.0.0.1'] }),
      );
      const data = body();
      const error: unknown = await api
        .put('/upload', data, { apigSigner: { payloadHash } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SigningError);
      expect(error).toMatchObject({ code: 'ERR_PAYLOAD_HASH' });
      expect((error as Error).message).toContain('apigSigner.payloadHash');
      expect(strategy).not.toHaveBeenCalled();
      expect(gateway.requests).toHaveLength(0);
      if (data instanceof Readable) expect(data.readableDidRead).toBe(false);
    },
  );

  it('without payloadHash (or unsignedPayload) a stream is still refused: ERR_STREAM_BODY', async () => {
    const api = signedClient(gateway, 'http');
    await expect(api.put('/upload', stream())).rejects.toMatchObject({ code: 'ERR_STREAM_BODY' });
    expect(gateway.requests).toHaveLength(0);
  });
});
