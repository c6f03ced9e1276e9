/**
 * SHA-256 and HMAC-SHA256 for @smithy/signature-v4 (its `Checksum` interface), from the
 * platform: node:crypto where the runtime offers it (fast and synchronous), WebCrypto elsewhere
 * (browsers, workers). No JavaScript fallback is bundled: that is what keeps the browser bundle
 * small. WebCrypto exists only in secure contexts: pages on https (or localhost).
 *
 * node:crypto is reached through `process.getBuiltinModule` (Node ≥ 20.16), never imported, so
 * browser bundlers never see it.
 */
import type { Checksum, SourceData } from '@smithy/types';

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

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return encoder.encode(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

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

/** A SHA-256 hash, or an HMAC-SHA256 when given a secret. */
export class Sha256 implements Checksum {
  private readonly secret: Uint8Array<ArrayBuffer> | undefined;
  private node: NodeHash | undefined;
  private chunks: Uint8Array<ArrayBuffer>[] = [];

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBytes(secret).slice();
    this.reset();
  }

  update(data: Uint8Array): void {
    if (this.node !== undefined) this.node.update(data);
    else this.chunks.push(toBytes(data).slice());
  }

  async digest(): Promise<Uint8Array> {
    if (this.node !== undefined) return new Uint8Array(this.node.digest());
    let length = 0;
    for (const chunk of this.chunks) length += chunk.byteLength;
    const data = new Uint8Array(length);
    let offset = 0;
    for (const chunk of this.chunks) {
      data.set(chunk, offset);
      offset += chunk.byteLength;
    }
    const api = subtle();
    if (this.secret === undefined) return new Uint8Array(await api.digest('SHA-256', data));
    const key = await api.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return new Uint8Array(await api.sign('HMAC', key, data));
  }

  reset(): void {
    this.chunks = [];
    this.node =
      nodeCrypto === undefined
        ? undefined
        : this.secret === undefined
          ? nodeCrypto.createHash('sha256')
          : nodeCrypto.createHmac('sha256', this.secret);
  }
}

const toHex = (bytes: Uint8Array): string => {
  let hex = '';
  for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  return hex;
};

/** Hex SHA-256 of a string (UTF-8) or bytes: synchronous in Node, WebCrypto elsewhere. */
export function sha256Hex(data: string | Uint8Array): string | Promise<string> {
  if (nodeCrypto !== undefined) return nodeCrypto.createHash('sha256').update(data).digest('hex');
  const hash = new Sha256();
  hash.update(typeof data === 'string' ? encoder.encode(data) : data);
  return hash.digest().then(toHex);
}

/** HMAC-SHA256 of a UTF-8 string: synchronous in Node, WebCrypto elsewhere. */
export function hmacSha256(key: Uint8Array, data: string): Uint8Array | Promise<Uint8Array> {
  if (nodeCrypto !== undefined) {
    return new Uint8Array(
      nodeCrypto.createHmac('sha256', key).update(encoder.encode(data)).digest(),
    );
  }
  const hmac = new Sha256(key);
  hmac.update(encoder.encode(data));
  return hmac.digest();
}

export { toHex };
