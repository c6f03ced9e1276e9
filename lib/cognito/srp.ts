/**
 * The client side of Cognito's SRP-6a variant (`USER_SRP_AUTH`), on native `BigInt` and the
 * platform's SHA-256 (node:crypto, WebCrypto, or the `sha256` option: see
 * ../signing/sha256.ts). Cognito's choices, which differ from RFC 5054: the 3072-bit group of
 * RFC 3526 with g = 2; H = SHA-256 over hex-decoded input; PAD(x) is the shortest even-length
 * hex with `00` in front when the top bit is set (Java's `BigInteger.toByteArray`), not a
 * fixed width; the user's secret is H(poolName ‖ userId ‖ ":" ‖ password); the key is 16 bytes
 * of HKDF-SHA256 with the info "Caldera Derived Key".
 *
 * The client never authenticates the server (Cognito sends no proof back): this module only
 * proves the password, and refuses the server values that would leak it (B ≡ 0, u = 0).
 */
import { hmacSha256, sha256Hex, toHex } from '../signing/sha256';
import type { Sha256Constructor } from '../signing/sha256';
import { fromBase64, toBase64, utf8 } from './bytes';
import { CognitoServiceError } from './errors';

/** atan(1/x), scaled by `one` (Machin's series, truncated; its error is a few units). */
function atanInverse(x: bigint, one: bigint): bigint {
  let sum = 0n;
  let sign = 1n;
  for (let term = one / x, d = 1n; term !== 0n; term /= x * x, d += 2n, sign = -sign) {
    sum += (sign * term) / d;
  }
  return sum;
}

/**
 * The 3072-bit prime of RFC 3526 §4, from its definition 2^3072 − 2^3008 − 1 +
 * 2^64·(⌊2^2942·π⌋ + 1690314), π by Machin's formula with 32 guard bits (under a millisecond;
 * 390 bytes smaller in a gzipped bundle than its hex). The test checks it against the RFC's hex.
 */
const ONE = 1n << 2974n;
export const N =
  (1n << 3072n) -
  (1n << 3008n) -
  1n +
  (1n << 64n) * (((16n * atanInverse(5n, ONE) - 4n * atanInverse(239n, ONE)) >> 32n) + 1690314n);
export const g = 2n;
/** k = H(PAD(N) ‖ PAD(g)): a constant of the group (the test recomputes it). */
export const k = 0x538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6n;

/**
 * base^exponent mod N with a fixed 4-bit window: a quarter of the multiplications of
 * square-and-multiply for the same squarings, which is most of the cost of a sign-in.
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint = N): bigint {
  const b = ((base % modulus) + modulus) % modulus;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i += 1) table.push(((table[i - 1] ?? 1n) * b) % modulus);
  const digits = exponent.toString(16);
  let result = 1n;
  for (const digit of digits) {
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    const d = parseInt(digit, 16);
    if (d !== 0) result = (result * (table[d] ?? 1n)) % modulus;
  }
  return result;
}

/** Cognito's PAD: the shortest even-length hex, with `00` in front when the top bit is set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

/** H over the bytes a hex string stands for, as hex. */
export const hexHash = async (hex: string, sha256?: Sha256Constructor): Promise<string> =>
  sha256Hex(hexToBytes(hex), sha256);

const toBigInt = (hex: string): bigint => BigInt(`0x${hex}`);

/** The random half of an exchange: `a`, and `SRP_A` = g^a mod N as Cognito reads it. */
export interface SrpStart {
  /** The client's secret exponent. Never leaves this process. */
  readonly a: bigint;
  /** g^a mod N. */
  readonly A: bigint;
  /** `SRP_A` for `InitiateAuth`: A in hex, unpadded (as amazon-cognito-identity-js sends it). */
  readonly srpA: string;
}

/** The platform's secure random bytes (WebCrypto's `getRandomValues`, in Node too). */
export function randomBytes(length: number): Uint8Array {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } })
    .crypto;
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new CognitoServiceError(
      'ERR_COGNITO',
      "Signing in: SRP needs crypto.getRandomValues: import 'react-native-get-random-values' first (React Native).",
    );
  }
  return crypto.getRandomValues(new Uint8Array(length));
}

/**
 * Starts an exchange: a random 1024-bit `a` (as amazon-cognito-identity-js draws it) and A.
 * `random` is for tests that replay an exchange with known values.
 */
export function startSrp(random: (length: number) => Uint8Array = randomBytes): SrpStart {
  for (;;) {
    const a = toBigInt(toHex(random(128)));
    const A = modPow(g, a);
    if (A !== 0n) return { a, A, srpA: A.toString(16) };
  }
}

/** `TIMESTAMP` as Cognito wants it: `ddd MMM D HH:mm:ss UTC YYYY` (the day not padded). */
export function srpTimestamp(date: Date): string {
  // toUTCString is "Www, DD Mmm YYYY HH:mm:ss GMT" (ECMA-262 §21.4.4.43): English names, UTC.
  const [day = '', , month = '', , time = ''] = date.toUTCString().split(' ');
  return `${day.slice(0, 3)} ${month} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

/** What the `PASSWORD_VERIFIER` challenge gives and the user knows. */
export interface PasswordVerifierInput {
  /** The part of the user pool id after `_`. */
  poolName: string;
  /** `USER_ID_FOR_SRP` from the challenge. */
  userId: string;
  password: string;
  /** `SRP_B`, hex. */
  srpB: string;
  /** `SALT`, hex. */
  salt: string;
  /** `SECRET_BLOCK`, base64. */
  secretBlock: string;
  start: SrpStart;
  /** When the claim is made (`TIMESTAMP`). */
  now: Date;
  sha256?: Sha256Constructor | undefined;
}

/** The answer to `PASSWORD_VERIFIER`: the timestamp and the signature over it. */
export interface PasswordClaim {
  timestamp: string;
  /** `PASSWORD_CLAIM_SIGNATURE`, base64. */
  signature: string;
}

/**
 * SRP's secret exponent x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password)): a user's
 * (pool name, user id) or a device's (group key, device key). `salt` is hex.
 */
export async function secretExponent(
  salt: string,
  poolName: string,
  userId: string,
  password: string,
  sha256?: Sha256Constructor,
): Promise<bigint> {
  const inner = await sha256Hex(`${poolName}${userId}:${password}`, sha256);
  return toBigInt(await hexHash(padHex(toBigInt(salt)) + inner, sha256));
}

const INFO = concat(utf8('Caldera Derived Key'), new Uint8Array([1]));

/**
 * The password claim: S = (B − k·g^x)^(a + u·x) mod N, key = HKDF(PAD(S), salt PAD(u)),
 * signature = base64(HMAC(key, poolName ‖ userId ‖ SECRET_BLOCK ‖ TIMESTAMP)).
 *
 * @throws CognitoServiceError when B ≡ 0 (mod N) or u = 0: values no honest server sends, and
 * answering them would give the password away.
 */
export async function passwordClaim(input: PasswordVerifierInput): Promise<PasswordClaim> {
  const { sha256, start } = input;
  const B = /^[0-9a-f]+$/i.test(input.srpB) ? toBigInt(input.srpB) : 0n;
  if (B % N === 0n) throw badServerValue('SRP_B');
  if (!/^[0-9a-f]+$/i.test(input.salt)) throw badServerValue('SALT');
  const u = toBigInt(await hexHash(padHex(start.A) + padHex(B), sha256));
  if (u === 0n) throw badServerValue('SRP_B');
  const x = await secretExponent(input.salt, input.poolName, input.userId, input.password, sha256);
  const S = modPow(B - ((k * modPow(g, x)) % N), start.a + u * x);
  const prk = await hmacSha256(hexToBytes(padHex(u)), hexToBytes(padHex(S)), sha256);
  const key = (await hmacSha256(prk, INFO, sha256)).slice(0, 16);
  const timestamp = srpTimestamp(input.now);
  const message = concat(
    utf8(input.poolName),
    utf8(input.userId),
    fromBase64(input.secretBlock),
    utf8(timestamp),
  );
  return { timestamp, signature: toBase64(await hmacSha256(key, message, sha256)) };
}

function badServerValue(name: string): CognitoServiceError {
  return new CognitoServiceError(
    'ERR_COGNITO',
    `Signing in: the user pool sent an unusable ${name}; nothing was answered. Is \`endpoints.userPool\` Cognito?`,
  );
}
