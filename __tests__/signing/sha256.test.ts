import { Sha256 as Sha256Js } from '@aws-crypto/sha256-js';
import { Sha256 as Sha256Universal } from '@aws-crypto/sha256-universal';
import { Hash } from '@smithy/hash-node';
import axios from 'axios';

import {
  ConfigurationError,
  apigSigner,
  attachApigSigner,
  presignUrl,
  signRequest,
} from '../../lib';
import type { Sha256Constructor } from '../../lib';
import type { SigV4Gateway } from '../../lib/testing';
import {
  ALL_ADAPTERS,
  TEST_KEYS,
  echoOf,
  itEachAdapter,
  signedClient,
  startTestGateway,
} from '../helpers/setup';

/** `Sha256` of @smithy/hash-node: the algorithm is bound, as the SDK's `sha256` option has it. */
class SmithySha256 extends Hash {
  constructor(secret?: Uint8Array) {
    super('sha256', secret);
  }
}

/** Wraps a hash constructor and counts the hashes made with it. */
function counting(Base: Sha256Constructor): { Hash: Sha256Constructor; count: () => number } {
  let made = 0;
  const Hash: Sha256Constructor = class {
    private readonly inner;
    constructor(secret?: Uint8Array) {
      made += 1;
      this.inner = secret === undefined ? new Base() : new Base(secret);
    }
    update(data: Uint8Array): void {
      this.inner.update(data);
    }
    digest(): Promise<Uint8Array> {
      return this.inner.digest();
    }
  };
  return { Hash, count: () => made };
}

/** A hash of the right shape that answers zeros: any signature made with it is wrong. */
class ZeroHash {
  update(): void {
    /* ignores its input */
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(32));
  }
}

let gateway: SigV4Gateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway.close();
});

const common = { credentials: { ...TEST_KEYS }, region: 'us-east-1' };

let minted = 0;
/**
 * Keys no earlier test signed with, known to the gateway: signing keys are cached per key id
 * and secret, so only new keys make the signer derive one (with the given hash too).
 */
function freshKeys(): { accessKeyId: string; secretAccessKey: string } {
  minted += 1;
  const keys = {
    accessKeyId: `AKIDSHA256TEST${minted}`,
    secretAccessKey: `sha256/secret/${minted}`,
  };
  gateway.addCredentials(keys);
  return keys;
}

/** The fingerprint of new keys (1), the signing key (4 HMACs), the canonical request, the signature. */
const FIXED_HASHES = 7;

describe('apigSigner({ sha256 })', () => {
  it.each([
    ['@aws-crypto/sha256-js', Sha256Js],
    ['@aws-crypto/sha256-universal', Sha256Universal],
    ['@smithy/hash-node', SmithySha256],
  ] as const)('signs with Sha256 of %s, even where node:crypto exists', async (_name, Sha256) => {
    const { Hash, count } = counting(Sha256);
    // New keys: the signing key is derived with the given hash too.
    const keys = freshKeys();
    const api = signedClient(gateway, 'http', { credentials: keys, sha256: Hash });
    const response = await api.post('/notes', { content: 'héllo' }, { params: { q: 'a b' } });
    expect(response.status).toBe(200);
    expect(echoOf(response.data).accessKeyId).toBe(keys.accessKeyId);
    expect(gateway.requests.at(-1)?.verdict.accepted).toBe(true);
    // and the payload
    expect(count()).toBe(FIXED_HASHES + 1);
  });

  itEachAdapter(
    ALL_ADAPTERS.map((a) => [a] as const),
    'uses the given hash and nothing else: a wrong hash makes a signature the gateway refuses (%s adapter)',
    async (adapter) => {
      const api = signedClient(gateway, adapter, {
        credentials: { ...TEST_KEYS },
        sha256: ZeroHash,
      });
      const error = (await api.get('/notes').catch((e: unknown) => e)) as {
        response?: { status: number };
      };
      expect(error.response?.status).toBe(403);
    },
  );

  it('refuses a `sha256` that is not a constructor, at once', () => {
    expect(() => apigSigner({ sha256: new Sha256Js() as unknown as Sha256Constructor })).toThrow(
      ConfigurationError,
    );
    expect(() => apigSigner({ sha256: 'sha256' as unknown as Sha256Constructor })).toThrow(
      /`sha256` must be a hash class such as `Sha256` from '@aws-crypto\/sha256-js'/,
    );
  });
});

describe('attachApigSigner(instance, { sha256 })', () => {
  itEachAdapter(
    ALL_ADAPTERS.map((a) => [a] as const),
    'signs with the given hash (%s adapter)',
    async (adapter) => {
      const { Hash, count } = counting(Sha256Js);
      const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter });
      const keys = freshKeys();
      attachApigSigner(api, {
        ...common,
        credentials: keys,
        hosts: ['127.0.0.1'],
        sha256: Hash,
      });
      const response = await api.put('/blobs/1', new Uint8Array([0, 1, 254, 255]));
      expect(echoOf(response.data).accessKeyId).toBe(keys.accessKeyId);
      expect(gateway.requests.at(-1)?.verdict.accepted).toBe(true);
      expect(count()).toBe(FIXED_HASHES + 1);
    },
  );

  it('refuses a malformed `sha256` at once', () => {
    expect(() =>
      attachApigSigner(axios.create(), { sha256: 42 as unknown as Sha256Constructor }),
    ).toThrow(ConfigurationError);
  });
});

describe('signRequest({ sha256 }) and presignUrl({ sha256 })', () => {
  it('signs a request with the given hash, accepted by the gateway', async () => {
    const { Hash, count } = counting(Sha256Universal);
    const request = await signRequest({
      ...common,
      credentials: freshKeys(),
      sha256: Hash,
      method: 'POST',
      url: `${gateway.url}/prod/notes?tag=two words`,
      headers: { 'Content-Type': 'application/json' },
      body: '{"content":"héllo"}',
    });
    const response = await fetch(request.url, request);
    expect(response.status).toBe(200);
    expect(count()).toBe(FIXED_HASHES + 1);
  });

  it('presigns a URL with the given hash, accepted by the gateway', async () => {
    const { Hash, count } = counting(Sha256Js);
    const url = await presignUrl({
      ...common,
      credentials: freshKeys(),
      sha256: Hash,
      url: `${gateway.url}/prod/connect?room=lobby`,
    });
    expect((await fetch(url)).status).toBe(200);
    // no body: the empty payload's hash is a constant
    expect(count()).toBe(FIXED_HASHES);
  });

  it('reject a malformed `sha256` before any request', async () => {
    const before = gateway.requests.length;
    const bad = { sha256: {} as unknown as Sha256Constructor };
    await expect(
      signRequest({ ...common, ...bad, url: `${gateway.url}/prod/notes` }),
    ).rejects.toMatchObject({ name: 'ConfigurationError', code: 'ERR_CONFIGURATION' });
    await expect(
      presignUrl({ ...common, ...bad, url: `${gateway.url}/prod/notes` }),
    ).rejects.toMatchObject({ name: 'ConfigurationError', code: 'ERR_CONFIGURATION' });
    expect(gateway.requests.length).toBe(before);
  });
});
