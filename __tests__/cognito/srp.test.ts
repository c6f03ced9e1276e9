import { createHash } from 'node:crypto';

import { Sha256 } from '@aws-crypto/sha256-js';
import * as identity from 'amazon-cognito-identity-js';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import * as fc from 'fast-check';

import { N, k, modPow, padHex, passwordClaim, srpTimestamp, startSrp } from '../../lib/cognito/srp';
import type { SrpStart } from '../../lib/cognito/srp';
import { createCognitoAuth, createMemoryStorage } from '../../lib/cognito';
import { startCognitoEmulator } from '../../lib/testing';

/** One PASSWORD_VERIFIER challenge as a server sends it, and the client's random `a`. */
interface Exchange {
  aBytes: Uint8Array;
  poolName: string;
  userId: string;
  password: string;
  srpB: string;
  salt: string;
  secretBlock: string;
  now: Date;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * What amazon-cognito-identity-js sends for an exchange: its own `CognitoUser` runs the sign-in
 * against a stand-in client that answers InitiateAuth with the challenge and records the
 * answers; its random `a` is replaced by the exchange's.
 */
function referenceAnswer(exchange: Exchange): {
  srpA: string;
  responses: Record<string, string>;
} {
  // Exported by the package, though its types leave it out.
  const { AuthenticationHelper } = identity as unknown as {
    AuthenticationHelper: { prototype: object };
  };
  const helper = AuthenticationHelper.prototype as unknown as {
    generateRandomSmallA(): unknown;
    N: { constructor: new (hex: string, radix: number) => unknown };
  };
  const original: unknown = Reflect.get(helper, 'generateRandomSmallA');
  let srpA = '';
  let responses: Record<string, string> = {};
  try {
    helper.generateRandomSmallA = function (this: { N: object }) {
      const BigInteger = this.N.constructor as new (hex: string, radix: number) => unknown;
      return new BigInteger(hex(exchange.aBytes), 16);
    };
    const storage = createMemoryStorage();
    const pool = new CognitoUserPool({
      UserPoolId: `us-east-1_${exchange.poolName}`,
      ClientId: 'client',
      Storage: storage,
    });
    (pool as unknown as { client: unknown }).client = {
      request(
        operation: string,
        params: Record<string, unknown>,
        callback: (e: unknown, d?: unknown) => void,
      ) {
        if (operation === 'InitiateAuth') {
          srpA = (params['AuthParameters'] as Record<string, string>)['SRP_A']!;
          callback(null, {
            ChallengeName: 'PASSWORD_VERIFIER',
            ChallengeParameters: {
              USER_ID_FOR_SRP: exchange.userId,
              SRP_B: exchange.srpB,
              SALT: exchange.salt,
              SECRET_BLOCK: exchange.secretBlock,
            },
          });
        } else {
          responses = params['ChallengeResponses'] as Record<string, string>;
          callback({ code: 'Stop', message: 'recorded' });
        }
      },
    };
    const user = new CognitoUser({ Username: 'given name', Pool: pool, Storage: storage });
    jest.setSystemTime(exchange.now);
    user.authenticateUser(
      new AuthenticationDetails({ Username: 'given name', Password: exchange.password }),
      { onSuccess: () => undefined, onFailure: () => undefined },
    );
  } finally {
    Reflect.set(helper, 'generateRandomSmallA', original);
  }
  return { srpA, responses };
}

async function ourAnswer(exchange: Exchange, sha256?: typeof Sha256) {
  const start: SrpStart = startSrp(() => exchange.aBytes);
  const claim = await passwordClaim({
    poolName: exchange.poolName,
    userId: exchange.userId,
    password: exchange.password,
    srpB: exchange.srpB,
    salt: exchange.salt,
    secretBlock: exchange.secretBlock,
    start,
    now: exchange.now,
    sha256,
  });
  return { srpA: start.srpA, claim };
}

const exchanges: fc.Arbitrary<Exchange> = fc.record({
  aBytes: fc.uint8Array({ minLength: 128, maxLength: 128 }),
  poolName: fc.stringMatching(/^[0-9a-zA-Z]{1,12}$/),
  userId: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  password: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  srpB: fc.bigInt({ min: 1n, max: N - 1n }).map((b) => b.toString(16)),
  salt: fc.uint8Array({ minLength: 1, maxLength: 32 }).map(hex),
  secretBlock: fc
    .uint8Array({ minLength: 1, maxLength: 120 })
    .map((b) => Buffer.from(b).toString('base64')),
  now: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
});

describe('SRP: the same answers as amazon-cognito-identity-js', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('N, computed from its definition, is the 3072-bit prime of RFC 3526 as published', () => {
    const published =
      'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
      'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
      'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
      '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
      'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
      '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
      'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
      'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
    expect(N.toString(16).toUpperCase()).toBe(published);
  });

  it('k is H(PAD(N) ‖ PAD(g)), and PAD follows Java BigInteger.toByteArray', () => {
    const digest = createHash('sha256')
      .update(Buffer.from(padHex(N) + padHex(2n), 'hex'))
      .digest('hex');
    expect(k).toBe(BigInt(`0x${digest}`));
    expect(padHex(0x7fn)).toBe('7f');
    expect(padHex(0x80n)).toBe('0080');
    expect(padHex(0xabcn)).toBe('0abc');
    expect(padHex(0x8abcn)).toBe('008abc');
  });

  it('modPow agrees with square-and-multiply, negative bases included', () => {
    const plain = (base: bigint, e: bigint, m: bigint) => {
      let r = 1n;
      let b = ((base % m) + m) % m;
      for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
      return r;
    };
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
        fc.bigInt({ min: 0n, max: 2n ** 300n }),
        fc.bigInt({ min: 2n, max: 2n ** 200n }),
        (base, e, m) => modPow(base, e, m) === plain(base, e, m),
      ),
    );
  });

  it('generated users, pools, salts and unicode passwords: same SRP_A, signature and TIMESTAMP', async () => {
    await fc.assert(
      fc.asyncProperty(exchanges, async (exchange) => {
        const reference = referenceAnswer(exchange);
        const ours = await ourAnswer(exchange);
        expect(ours.srpA).toBe(reference.srpA);
        expect(reference.responses).toMatchObject({
          USERNAME: exchange.userId,
          PASSWORD_CLAIM_SECRET_BLOCK: exchange.secretBlock,
          TIMESTAMP: ours.claim.timestamp,
          PASSWORD_CLAIM_SIGNATURE: ours.claim.signature,
        });
      }),
      { numRuns: 12 },
    );
  });

  it('the same with the `sha256` option (a JavaScript SHA-256, as React Native passes)', async () => {
    await fc.assert(
      fc.asyncProperty(exchanges, async (exchange) => {
        const reference = referenceAnswer(exchange);
        const ours = await ourAnswer(exchange, Sha256);
        expect(reference.responses['PASSWORD_CLAIM_SIGNATURE']).toBe(ours.claim.signature);
      }),
      { numRuns: 3 },
    );
  });

  it.each([
    ['2026-01-05T03:04:05Z', 'Mon Jan 5 03:04:05 UTC 2026'],
    ['2026-12-31T23:59:59Z', 'Thu Dec 31 23:59:59 UTC 2026'],
    ['2024-02-29T00:00:00Z', 'Thu Feb 29 00:00:00 UTC 2024'],
  ])('TIMESTAMP of %s is %s', (iso, expected) => {
    expect(srpTimestamp(new Date(iso))).toBe(expected);
  });

  it('refuses a B that is 0 mod N (it would give the password away): a typed error', async () => {
    const exchange = fc.sample(exchanges, { numRuns: 1, seed: 1 })[0]!;
    for (const srpB of [N.toString(16), '0', (2n * N).toString(16), 'not hex']) {
      await expect(ourAnswer({ ...exchange, srpB })).rejects.toMatchObject({
        code: 'ERR_COGNITO',
        message: expect.stringContaining('SRP_B'),
      });
    }
  });
});

describe('SRP against the emulator (its independent server side)', () => {
  it("the emulator accepts amazon-cognito-identity-js's own sign-in and ours for the same user", async () => {
    const cognito = await startCognitoEmulator({
      users: [{ username: 'zoë', password: 'pässwörd ✓ 密码' }],
    });
    try {
      const pool = new CognitoUserPool({
        UserPoolId: cognito.userPoolId,
        ClientId: cognito.clientId,
        endpoint: cognito.url,
        Storage: createMemoryStorage(),
      });
      const signIn = (password: string) =>
        new Promise<string>((resolve) => {
          new CognitoUser({
            Username: 'zoë',
            Pool: pool,
            Storage: createMemoryStorage(),
          }).authenticateUser(new AuthenticationDetails({ Username: 'zoë', Password: password }), {
            onSuccess: () => resolve('signed in'),
            onFailure: (error: { code?: string }) => resolve(String(error.code)),
          });
        });
      expect(await signIn('pässwörd ✓ 密码')).toBe('signed in');
      expect(await signIn('passwörd ✓ 密码')).toBe('NotAuthorizedException');
      expect(cognito.count('RespondToAuthChallenge', 'PASSWORD_VERIFIER')).toBe(2);
    } finally {
      await cognito.close();
    }
  });

  it('createCognitoAuth signs in with the `sha256` option (React Native): that hash is the one used', async () => {
    const cognito = await startCognitoEmulator({
      users: [{ username: 'zoë', password: 'pässwörd ✓ 密码' }],
    });
    try {
      const options = {
        region: cognito.region,
        userPoolId: cognito.userPoolId,
        clientId: cognito.clientId,
        identityPoolId: cognito.identityPoolId,
        endpoints: { userPool: cognito.url, identity: cognito.url },
      };
      const used = jest.fn();
      class CountingSha256 extends Sha256 {
        override update(data: Parameters<Sha256['update']>[0]): void {
          used();
          super.update(data);
        }
      }
      const auth = createCognitoAuth({ ...options, sha256: CountingSha256 });
      await expect(auth.signIn('zoë', 'pässwörd ✓ 密码')).resolves.toEqual({ username: 'zoë' });
      expect(used).toHaveBeenCalled();
      // A hash that is not SHA-256 gives a proof the emulator refuses.
      class NotSha256 extends Sha256 {
        override digest(): Promise<Uint8Array> {
          return super.digest().then((digest) => digest.map((byte) => byte ^ 1));
        }
      }
      const broken = createCognitoAuth({ ...options, sha256: NotSha256 });
      await expect(broken.signIn('zoë', 'pässwörd ✓ 密码')).rejects.toMatchObject({
        code: 'ERR_WRONG_PASSWORD',
      });
    } finally {
      await cognito.close();
    }
  });
});
