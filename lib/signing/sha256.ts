/**
 * SHA-256 and HMAC-SHA256 for the signer, from the platform: node:crypto where the runtime
 * offers it (fast and synchronous), WebCrypto elsewhere (browsers, workers, Deno, Node before
 * 20.16). No JavaScript fallback is bundled: that is what keeps the browser bundle small.
 * Where the platform has neither (React Native's Hermes; pages on plain http, which are not
 * secure contexts, so `crypto.subtle` is undefined) the caller passes a hash constructor in the
 * AWS SDK's shape (`sha256` option), and it is used instead.
 *
 * node:crypto is reached through `process.getBuiltinModule` (Node ≥ 20.16), never imported, so
 * browser bundlers never see it.
 */
import { ConfigurationError, SigningError } from '../errors';

/** One running SHA-256 (or, given a key, HMAC-SHA256) computation, as the AWS SDK shapes it. */
export interface Sha256Hash {
  /** Adds bytes to the hash. */
  update(data: Uint8Array): void;
  /** The digest of everything added so far. */
  digest(): Promise<Uint8Array>;
}

/**
 * A SHA-256 hash constructor in the AWS SDK's shape: `new Sha256()` hashes, `new Sha256(key)`
 * computes HMAC-SHA256 with that key. `Sha256` from `@aws-crypto/sha256-js` or
 * `@aws-crypto/sha256-universal` fits, and so does `Hash.bind(null, 'sha256')` from
 * `@smithy/hash-node`.
 *
 * @example
 * ```ts
 * import { Sha256 } from '@aws-crypto/sha256-js';
 * import type { Sha256Constructor } from 'apig-signer';
 *
 * const sha256: Sha256Constructor = Sha256;
 * ```
 */
export type Sha256Constructor = new (secret?: Uint8Array) => Sha256Hash;

interface NodeHash {
  update(data: Uint8Array | string): NodeHash;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}
interface NodeCrypto {
  createHash(algorithm: string): NodeHash;
  createHmac(algorithm: string, key: Uint8Array): NodeHash;
}

const nodeCrypto: NodeCrypto | undefined = (() => {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  try {
    return typeof get === 'function' ? (get('node:crypto') as NodeCrypto | undefined) : undefined;
  } catch {
    return undefined;
  }
})();

const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const api = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (api === undefined) {
    throw new SigningError(
      'ERR_NO_CRYPTO',
      "No SHA-256 here (no node:crypto or WebCrypto; pages get it on https only): pass `sha256: Sha256` from '@aws-crypto/sha256-js'.",
    );
  }
  return api;
}

/** Lower-case hex, two digits a byte. */
export const toHex = (bytes: Uint8Array): string => {
  let hex = '';
  for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  return hex;
};

/** Digest of `data` with the caller's hash constructor: HMAC when `key` is given. */
async function givenDigest(
  Hash: Sha256Constructor,
  data: string | Uint8Array,
  key?: Uint8Array,
): Promise<Uint8Array> {
  const hash = key === undefined ? new Hash() : new Hash(key);
  hash.update(typeof data === 'string' ? encoder.encode(data) : data);
  return hash.digest();
}

/**
 * Hex SHA-256 of a string (UTF-8) or bytes: with `given` when passed, else synchronous in
 * Node, WebCrypto elsewhere.
 */
export function sha256Hex(
  data: string | Uint8Array,
  given?: Sha256Constructor,
): string | Promise<string> {
  if (given !== undefined) return givenDigest(given, data).then(toHex);
  if (nodeCrypto !== undefined) return nodeCrypto.createHash('sha256').update(data).digest('hex');
  const bytes = typeof data === 'string' ? encoder.encode(data) : data.slice();
  return subtle()
    .digest('SHA-256', bytes)
    .then((digest) => toHex(new Uint8Array(digest)));
}

/** HMAC-SHA256 of a UTF-8 string or bytes: with `given` when passed, else node:crypto or WebCrypto. */
export function hmacSha256(
  key: Uint8Array,
  data: string | Uint8Array,
  given?: Sha256Constructor,
): Uint8Array | Promise<Uint8Array> {
  if (given !== undefined) return givenDigest(given, data, key);
  if (nodeCrypto !== undefined) {
    return new Uint8Array(nodeCrypto.createHmac('sha256', key).update(data).digest());
  }
  const api = subtle();
  return api
    .importKey('raw', key.slice(), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    .then((cryptoKey) =>
      api.sign('HMAC', cryptoKey, typeof data === 'string' ? encoder.encode(data) : data.slice()),
    )
    .then((mac) => new Uint8Array(mac));
}

/** Hex HMAC-SHA256 of a UTF-8 string: the signature's form. */
export function hmacSha256Hex(
  key: Uint8Array,
  data: string,
  given?: Sha256Constructor,
): string | Promise<string> {
  if (given === undefined && nodeCrypto !== undefined)
    return nodeCrypto.createHmac('sha256', key).update(data).digest('hex');
  return (hmacSha256(key, data, given) as Promise<Uint8Array>).then(toHex);
}

/** Checks a `sha256` option before any request: a constructor, or nothing. */
export function assertSha256Option(value: unknown, where: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `${where}: \`sha256\` must be a hash class such as \`Sha256\` from '@aws-crypto/sha256-js', not an instance.`,
    );
  }
}
