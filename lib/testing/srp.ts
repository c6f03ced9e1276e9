/**
 * The server side of Cognito's SRP-6a variant (USER_SRP_AUTH), so the emulator verifies the
 * client's password proof for real: a wrong password fails as it does against Cognito.
 * Group: the 3072-bit MODP prime of RFC 3526 / RFC 5054, g = 2, H = SHA-256.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const g = 2n;

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

/** Cognito's padding: the shortest even-length hex, with `00` in front when the top bit is set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();
/** H over hex-decoded input, as a hex string. */
const hexHash = (hex: string): string => sha256(Buffer.from(hex, 'hex')).toString('hex');

export const k = BigInt(`0x${hexHash(padHex(N) + padHex(g))}`);

/** x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password)). */
export function privateKeyX(
  poolName: string,
  userId: string,
  password: string,
  saltHex: string,
): bigint {
  const inner = sha256(`${poolName}${userId}:${password}`).toString('hex');
  return BigInt(`0x${hexHash(padHex(BigInt(`0x${saltHex}`)) + inner)}`);
}

/** The verifier v = g^x mod N, stored instead of the password. */
export function verifierFor(
  poolName: string,
  userId: string,
  password: string,
  saltHex: string,
): bigint {
  return modPow(g, privateKeyX(poolName, userId, password, saltHex), N);
}

export interface ServerEphemeral {
  b: bigint;
  B: bigint;
}

export function serverEphemeral(v: bigint): ServerEphemeral {
  for (;;) {
    const b = BigInt(`0x${randomBytes(32).toString('hex')}`);
    const B = (k * v + modPow(g, b, N)) % N;
    if (B !== 0n) return { b, B };
  }
}

/**
 * The 16-byte key both sides derive: S = (A · v^u)^b mod N, u = H(PAD(A) ‖ PAD(B)),
 * key = HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key" ‖ 0x01).
 */
export function sessionKey(A: bigint, B: bigint, b: bigint, v: bigint): Buffer {
  const u = BigInt(`0x${hexHash(padHex(A) + padHex(B))}`);
  if (u === 0n) throw new Error('u is zero');
  const S = modPow((A * modPow(v, u, N)) % N, b, N);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
    .update(Buffer.from(padHex(S), 'hex'))
    .digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

/** The proof the client must send: base64(HMAC(key, poolName ‖ userId ‖ secretBlock ‖ timestamp)). */
export function expectedClaim(
  key: Uint8Array,
  poolName: string,
  userId: string,
  secretBlock: Buffer,
  timestamp: string,
): string {
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(userId, 'utf8'),
        secretBlock,
        Buffer.from(timestamp, 'utf8'),
      ]),
    )
    .digest('base64');
}
