/**
 * SHA-256 and HMAC-SHA256 for the signer, from the platform: node:crypto where the runtime
 * offers it (fast and synchronous), WebCrypto elsewhere (browsers, workers). No JavaScript fallback is bundled: that is what keeps the browser bundle
 * small. WebCrypto exists only in secure contexts: pages on https (or localhost).
 *
 * node:crypto is reached through `process.getBuiltinModule` (Node ≥ 20.16), never imported, so
 * browser bundlers never see it.
 */
import { SigningError } from '../errors';

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
  const api = globalThis.crypto?.subtle;
  if (api === undefined) {
    throw new SigningError(
      'ERR_SIGNING',
      'No WebCrypto here (crypto.subtle): browsers offer it only in secure contexts. Serve the page over https (or from localhost).',
    );
  }
  return api;
}

const toHex = (bytes: Uint8Array): string => {
  let hex = '';
  for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  return hex;
};

/** Hex SHA-256 of a string (UTF-8) or bytes: synchronous in Node, WebCrypto elsewhere. */
export function sha256Hex(data: string | Uint8Array): string | Promise<string> {
  if (nodeCrypto !== undefined) return nodeCrypto.createHash('sha256').update(data).digest('hex');
  const bytes = typeof data === 'string' ? encoder.encode(data) : data.slice();
  return subtle()
    .digest('SHA-256', bytes)
    .then((digest) => toHex(new Uint8Array(digest)));
}

/** HMAC-SHA256 of a UTF-8 string: synchronous in Node, WebCrypto elsewhere. */
export function hmacSha256(key: Uint8Array, data: string): Uint8Array | Promise<Uint8Array> {
  if (nodeCrypto !== undefined) {
    return new Uint8Array(nodeCrypto.createHmac('sha256', key).update(data).digest());
  }
  const api = subtle();
  return api
    .importKey('raw', key.slice(), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    .then((cryptoKey) => api.sign('HMAC', cryptoKey, encoder.encode(data)))
    .then((mac) => new Uint8Array(mac));
}

/** Hex HMAC-SHA256 of a UTF-8 string: the signature's form. */
export function hmacSha256Hex(key: Uint8Array, data: string): string | Promise<string> {
  if (nodeCrypto !== undefined)
    return nodeCrypto.createHmac('sha256', key).update(data).digest('hex');
  return (hmacSha256(key, data) as Promise<Uint8Array>).then(toHex);
}
