import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { listenOnLoopback } from './loopback';
import type { SigV4Gateway } from './gateway';
import { expectedClaim, N, serverEphemeral, sessionKey, verifierFor } from './srp';

/** A user of the emulated user pool. */
export interface EmulatedUser {
  /** The user name signed in with (also `USER_ID_FOR_SRP`). */
  username: string;
  /** The password; the emulator keeps only an SRP verifier and a copy for USER_PASSWORD_AUTH. */
  password: string;
  /** User attributes, such as `email`; they appear in the ID token. */
  attributes?: Record<string, string> | undefined;
  /**
   * Whether the user has confirmed sign-up; an unconfirmed user gets `UserNotConfirmedException`.
   * @defaultValue `true`
   */
  confirmed?: boolean | undefined;
  /**
   * Whether the next sign-in must set a new password (`NEW_PASSWORD_REQUIRED`).
   * @defaultValue `false`
   */
  newPasswordRequired?: boolean | undefined;
  /** Attributes the `NEW_PASSWORD_REQUIRED` challenge asks for, such as `['name']`. */
  requiredAttributes?: string[] | undefined;
  /** An MFA challenge after the password. */
  mfa?: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | undefined;
  /**
   * The code that answers the MFA challenge.
   * @defaultValue `'123456'`
   */
  mfaCode?: string | undefined;
}

/** Options of {@link startCognitoEmulator}. */
export interface CognitoEmulatorOptions {
  /**
   * The port on 127.0.0.1.
   * @defaultValue `0` (a free port)
   */
  port?: number | undefined;
  /**
   * The region in pool ids, token issuers and the identity provider name.
   * @defaultValue `'us-east-1'`
   */
  region?: string | undefined;
  /**
   * The user pool id.
   * @defaultValue `'{region}_Emulated1'`
   */
  userPoolId?: string | undefined;
  /**
   * The app client id (an app client without a secret).
   * @defaultValue `'emulatorappclient0000000000'`
   */
  clientId?: string | undefined;
  /**
   * The identity pool id.
   * @defaultValue `'{region}:00000000-0000-4000-8000-000000000001'`
   */
  identityPoolId?: string | undefined;
  /** Users to create at start. */
  users?: EmulatedUser[] | undefined;
  /**
   * ID and access token lifetime, in seconds.
   * @defaultValue `3600`
   */
  tokenLifetimeSeconds?: number | undefined;
  /**
   * Refresh token lifetime, in seconds.
   * @defaultValue `2592000` (30 days)
   */
  refreshTokenLifetimeSeconds?: number | undefined;
  /**
   * Lifetime of the temporary AWS credentials the identity pool issues, in seconds.
   * @defaultValue `3600`
   */
  credentialsLifetimeSeconds?: number | undefined;
  /**
   * Whether the identity pool gives guests (no login) unauthenticated identities.
   * @defaultValue `false`
   */
  allowUnauthenticated?: boolean | undefined;
  /**
   * Wrong passwords in a row before sign-in is refused with "Password attempts exceeded".
   * @defaultValue `5`
   */
  maxFailedAttempts?: number | undefined;
  /** Gateways that accept the credentials the identity pool issues. */
  gateways?: SigV4Gateway[] | undefined;
}

/** One call the emulator answered. */
export interface EmulatorCall {
  /** `'cognito-idp'` (user pool) or `'cognito-identity'` (identity pool). */
  service: 'cognito-idp' | 'cognito-identity';
  /** The operation, such as `InitiateAuth` or `GetCredentialsForIdentity`. */
  operation: string;
  /** `AuthFlow` or `ChallengeName`, where the operation has one. */
  detail?: string | undefined;
  /** The HTTP status answered. */
  status: number;
}

/** A fault to inject: the next `times` calls of `operation` fail (or are delayed). */
export interface EmulatorFault {
  /** The operation, such as `GetCredentialsForIdentity`, or `'*'` for all. */
  operation: string;
  /** The error type, such as `TooManyRequestsException`; leave out for a delay only. */
  error?: string | undefined;
  /**
   * The HTTP status of the error.
   * @defaultValue `500` for `InternalErrorException`, otherwise `400`
   */
  status?: number | undefined;
  /** The error message. */
  message?: string | undefined;
  /**
   * How many calls the fault applies to.
   * @defaultValue `1`
   */
  times?: number | undefined;
  /** Milliseconds to wait before answering. */
  delayMs?: number | undefined;
}

/** A running Cognito emulator. */
export interface CognitoEmulator {
  /** `http://127.0.0.1:{port}`: the endpoint of both the user pool and the identity pool. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** The region. */
  readonly region: string;
  /** The user pool id. */
  readonly userPoolId: string;
  /** The app client id. */
  readonly clientId: string;
  /** The identity pool id. */
  readonly identityPoolId: string;
  /** The `Logins` key of the user pool: `cognito-idp.{region}.amazonaws.com/{userPoolId}`. */
  readonly providerName: string;
  /** Every call answered, oldest first. */
  readonly calls: EmulatorCall[];
  /** How many calls of `operation` (optionally with this `AuthFlow`/`ChallengeName`) were answered. */
  count(operation: string, detail?: string): number;
  /** Adds (or replaces) a user. */
  addUser(user: EmulatedUser): void;
  /** Revokes every refresh token of a user: refreshing then fails with `NotAuthorizedException`. */
  revokeRefreshTokens(username: string): void;
  /** Makes a gateway accept every credential issued so far and from now on. */
  linkGateway(gateway: SigV4Gateway): void;
  /** Injects a fault. */
  fail(fault: EmulatorFault): void;
  /** Stops the server. */
  close(): Promise<void>;
}

interface UserRecord extends EmulatedUser {
  sub: string;
  salt: string;
  verifier: bigint;
  failedAttempts: number;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Starts a stand-in for Amazon Cognito on 127.0.0.1, for tests and demos that run offline:
 *
 * - a user pool with the real SRP server side (`USER_SRP_AUTH`: the client's password proof is
 *   verified, so a wrong password fails), `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`, the
 *   `NEW_PASSWORD_REQUIRED`, `SMS_MFA` and `SOFTWARE_TOKEN_MFA` challenges, RS256 tokens signed
 *   with a key made at start, and revocable refresh tokens;
 * - an identity pool (`GetId`, `GetCredentialsForIdentity`) that checks the `Logins` key and the
 *   ID token (signature, audience, expiry) and issues temporary credentials that linked
 *   `startSigV4Gateway()` gateways accept.
 *
 * It speaks the services' JSON protocol, so `amazon-cognito-identity-js` and the AWS SDK talk to
 * it unmodified when pointed at {@link CognitoEmulator.url}. It records every call and can inject
 * faults (throttling, 5xx, `NotAuthorizedException`, delays).
 *
 * @param options - pool ids, users, lifetimes, guests, linked gateways.
 * @returns the running emulator; `close()` it when done.
 * @throws if the port cannot be listened on.
 *
 * @example
 * ```ts
 * import { startCognitoEmulator, startSigV4Gateway } from 'apig-signer/testing';
 * import { createCognitoAuth } from 'apig-signer/cognito';
 *
 * const gateway = await startSigV4Gateway();
 * const cognito = await startCognitoEmulator({
 *   users: [{ username: 'alice', password: 'correct horse' }],
 *   gateways: [gateway],
 * });
 * const auth = createCognitoAuth({
 *   region: cognito.region,
 *   userPoolId: cognito.userPoolId,
 *   clientId: cognito.clientId,
 *   identityPoolId: cognito.identityPoolId,
 *   endpoints: { userPool: cognito.url, identity: cognito.url },
 * });
 * await auth.signIn('alice', 'correct horse');
 * ```
 */
export async function startCognitoEmulator(
  options: CognitoEmulatorOptions = {},
): Promise<CognitoEmulator> {
  const region = options.region ?? 'us-east-1';
  const userPoolId = options.userPoolId ?? `${region}_Emulated1`;
  const poolName = userPoolId.split('_')[1] ?? userPoolId;
  const clientId = options.clientId ?? 'emulatorappclient0000000000';
  const identityPoolId = options.identityPoolId ?? `${region}:00000000-0000-4000-8000-000000000001`;
  const providerName = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const issuer = `https://${providerName}`;
  const tokenLifetime = options.tokenLifetimeSeconds ?? 3600;
  const refreshLifetime = options.refreshTokenLifetimeSeconds ?? 30 * 24 * 3600;
  const credentialsLifetime = options.credentialsLifetimeSeconds ?? 3600;
  const maxFailedAttempts = options.maxFailedAttempts ?? 5;
  const allowUnauthenticated = options.allowUnauthenticated ?? false;

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey: KeyObject = createPrivateKey(
    privateKey.export({ format: 'pem', type: 'pkcs8' }),
  );
  const verifyingKey: KeyObject = createPublicKey(
    publicKey.export({ format: 'pem', type: 'spki' }),
  );
  const kid = randomUUID();

  const users = new Map<string, UserRecord>();
  const srpSessions = new Map<string, { username: string; A: bigint; B: bigint; b: bigint }>();
  const challengeSessions = new Map<string, { username: string; challenge: string }>();
  const refreshTokens = new Map<
    string,
    { username: string; expiresAt: number; revoked: boolean }
  >();
  const identities = new Map<string, { sub?: string }>();
  const identityBySub = new Map<string, string>();
  const issued: Array<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    expiration: Date;
  }> = [];
  const gateways: SigV4Gateway[] = [...(options.gateways ?? [])];
  const faults: Array<EmulatorFault & { remaining: number }> = [];
  const calls: EmulatorCall[] = [];

  function addUser(user: EmulatedUser): void {
    const salt = randomBytes(16).toString('hex');
    users.set(user.username, {
      ...user,
      sub: users.get(user.username)?.sub ?? randomUUID(),
      salt,
      verifier: verifierFor(poolName, user.username, user.password, salt),
      failedAttempts: 0,
    });
  }
  for (const user of options.users ?? []) addUser(user);

  function jwt(claims: Record<string, unknown>): string {
    const head = base64url(JSON.stringify({ kid, alg: 'RS256' }));
    const body = base64url(JSON.stringify(claims));
    const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), signingKey);
    return `${head}.${body}.${base64url(signature)}`;
  }

  function verifyIdToken(token: unknown): Record<string, unknown> {
    const parts = typeof token === 'string' ? token.split('.') : [];
    const [head = '', body = '', signature = ''] = parts;
    if (
      parts.length !== 3 ||
      !verify(
        'RSA-SHA256',
        Buffer.from(`${head}.${body}`),
        verifyingKey,
        Buffer.from(signature, 'base64url'),
      )
    ) {
      throw new ServiceError(
        'NotAuthorizedException',
        'Invalid login token. Not a valid OpenId Connect identity token.',
      );
    }
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (claims['iss'] !== issuer || claims['aud'] !== clientId || claims['token_use'] !== 'id') {
      throw new ServiceError(
        'NotAuthorizedException',
        "Invalid login token. Issuer or audience doesn't match.",
      );
    }
    if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= Date.now()) {
      throw new ServiceError('NotAuthorizedException', 'Invalid login token. Token expired.');
    }
    return claims;
  }

  function tokensFor(user: UserRecord, withRefreshToken: boolean): Record<string, unknown> {
    const iat = Math.floor(Date.now() / 1000);
    const common = { sub: user.sub, iss: issuer, auth_time: iat, iat, exp: iat + tokenLifetime };
    const result: Record<string, unknown> = {
      IdToken: jwt({
        ...common,
        ...user.attributes,
        aud: clientId,
        token_use: 'id',
        'cognito:username': user.username,
        jti: randomUUID(),
      }),
      AccessToken: jwt({
        ...common,
        client_id: clientId,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        username: user.username,
        jti: randomUUID(),
      }),
      ExpiresIn: tokenLifetime,
      TokenType: 'Bearer',
    };
    if (withRefreshToken) {
      const refreshToken = randomBytes(48).toString('base64url');
      refreshTokens.set(refreshToken, {
        username: user.username,
        expiresAt: Date.now() + refreshLifetime * 1000,
        revoked: false,
      });
      result['RefreshToken'] = refreshToken;
    }
    return { AuthenticationResult: result, ChallengeParameters: {} };
  }

  function challenge(user: UserRecord, name: string, parameters: Record<string, string>) {
    const session = randomBytes(32).toString('base64url');
    challengeSessions.set(session, { username: user.username, challenge: name });
    return {
      ChallengeName: name,
      Session: session,
      ChallengeParameters: { USER_ID_FOR_SRP: user.username, ...parameters },
    };
  }

  /** What follows a correct password: confirmation, then challenges, then tokens. */
  function afterPassword(user: UserRecord) {
    if (user.confirmed === false)
      throw new ServiceError('UserNotConfirmedException', 'User is not confirmed.');
    user.failedAttempts = 0;
    if (user.newPasswordRequired) {
      return challenge(user, 'NEW_PASSWORD_REQUIRED', {
        userAttributes: JSON.stringify(user.attributes ?? {}),
        requiredAttributes: JSON.stringify(
          (user.requiredAttributes ?? []).map((a) => `userAttributes.${a}`),
        ),
      });
    }
    return afterNewPassword(user);
  }

  function afterNewPassword(user: UserRecord) {
    if (user.mfa === 'SMS_MFA') {
      return challenge(user, 'SMS_MFA', {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
        CODE_DELIVERY_DESTINATION: '+*******0100',
      });
    }
    if (user.mfa === 'SOFTWARE_TOKEN_MFA') return challenge(user, 'SOFTWARE_TOKEN_MFA', {});
    return tokensFor(user, true);
  }

  function userNamed(username: unknown): UserRecord {
    const user = typeof username === 'string' ? users.get(username) : undefined;
    if (user === undefined) throw new ServiceError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  function wrongPassword(user: UserRecord): never {
    user.failedAttempts += 1;
    throw new ServiceError(
      'NotAuthorizedException',
      user.failedAttempts > maxFailedAttempts
        ? 'Password attempts exceeded'
        : 'Incorrect username or password.',
    );
  }

  function checkLockout(user: UserRecord): void {
    if (user.failedAttempts >= maxFailedAttempts) {
      user.failedAttempts += 1;
      throw new ServiceError('NotAuthorizedException', 'Password attempts exceeded');
    }
  }

  function initiateAuth(body: Record<string, unknown>) {
    if (body['ClientId'] !== clientId) {
      throw new ServiceError('ResourceNotFoundException', 'User pool client does not exist.');
    }
    const parameters = (body['AuthParameters'] ?? {}) as Record<string, string>;
    switch (body['AuthFlow']) {
      case 'USER_SRP_AUTH': {
        const user = userNamed(parameters['USERNAME']);
        checkLockout(user);
        const A = BigInt(`0x${parameters['SRP_A'] ?? '0'}`);
        if (A % N === 0n) throw new ServiceError('InvalidParameterException', 'SRP_A is invalid.');
        const { b, B } = serverEphemeral(user.verifier);
        const secretBlock = randomBytes(64).toString('base64');
        srpSessions.set(secretBlock, { username: user.username, A, B, b });
        return {
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: {
            USER_ID_FOR_SRP: user.username,
            USERNAME: user.username,
            SRP_B: B.toString(16),
            SALT: user.salt,
            SECRET_BLOCK: secretBlock,
          },
        };
      }
      case 'USER_PASSWORD_AUTH': {
        const user = userNamed(parameters['USERNAME']);
        checkLockout(user);
        if (parameters['PASSWORD'] !== user.password) wrongPassword(user);
        return afterPassword(user);
      }
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN': {
        const record = refreshTokens.get(parameters['REFRESH_TOKEN'] ?? '');
        if (record === undefined)
          throw new ServiceError('NotAuthorizedException', 'Invalid Refresh Token');
        if (record.revoked)
          throw new ServiceError('NotAuthorizedException', 'Refresh Token has been revoked');
        if (record.expiresAt <= Date.now())
          throw new ServiceError('NotAuthorizedException', 'Refresh Token has expired');
        return tokensFor(userNamed(record.username), false);
      }
      default:
        throw new ServiceError(
          'InvalidParameterException',
          `AuthFlow ${String(body['AuthFlow'])} is not supported.`,
        );
    }
  }

  function respondToAuthChallenge(body: Record<string, unknown>) {
    const responses = (body['ChallengeResponses'] ?? {}) as Record<string, string>;
    const name = body['ChallengeName'];
    if (name === 'PASSWORD_VERIFIER') {
      const secretBlock = responses['PASSWORD_CLAIM_SECRET_BLOCK'] ?? '';
      const session = srpSessions.get(secretBlock);
      srpSessions.delete(secretBlock);
      if (session === undefined || session.username !== responses['USERNAME']) {
        throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
      }
      const user = userNamed(session.username);
      const key = sessionKey(session.A, session.B, session.b, user.verifier);
      const expected = Buffer.from(
        expectedClaim(
          key,
          poolName,
          user.username,
          Buffer.from(secretBlock, 'base64'),
          responses['TIMESTAMP'] ?? '',
        ),
      );
      const given = Buffer.from(responses['PASSWORD_CLAIM_SIGNATURE'] ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        wrongPassword(user);
      return afterPassword(user);
    }
    const pending = challengeSessions.get(text(body['Session']));
    if (pending === undefined || pending.challenge !== name) {
      throw new ServiceError(
        'NotAuthorizedException',
        'Invalid session for the user, session is expired.',
      );
    }
    const user = userNamed(pending.username);
    if (name === 'NEW_PASSWORD_REQUIRED') {
      const password = responses['NEW_PASSWORD'];
      if (!password || password.length < 8) {
        throw new ServiceError(
          'InvalidPasswordException',
          'Password does not conform to policy: Password not long enough',
        );
      }
      const attributes = { ...user.attributes };
      for (const [key, value] of Object.entries(responses)) {
        if (key.startsWith('userAttributes.'))
          attributes[key.slice('userAttributes.'.length)] = value;
      }
      const missing = (user.requiredAttributes ?? []).filter((a) => !attributes[a]);
      if (missing.length > 0) {
        throw new ServiceError(
          'InvalidParameterException',
          `Missing required attributes: ${missing.join(', ')}`,
        );
      }
      challengeSessions.delete(text(body['Session']));
      addUser({ ...user, password, attributes, newPasswordRequired: false });
      return afterNewPassword(userNamed(user.username));
    }
    if (name === 'SMS_MFA' || name === 'SOFTWARE_TOKEN_MFA') {
      const code = responses[name === 'SMS_MFA' ? 'SMS_MFA_CODE' : 'SOFTWARE_TOKEN_MFA_CODE'];
      if (code !== (user.mfaCode ?? '123456')) {
        throw new ServiceError('CodeMismatchException', 'Invalid code or auth state for the user.');
      }
      challengeSessions.delete(text(body['Session']));
      return tokensFor(user, true);
    }
    throw new ServiceError(
      'InvalidParameterException',
      `Challenge ${String(name)} is not supported.`,
    );
  }

  function subFromLogins(logins: unknown): string | undefined {
    if (logins === undefined || logins === null) return undefined;
    const entries = Object.entries(logins as Record<string, unknown>);
    const token = (logins as Record<string, unknown>)[providerName];
    if (entries.length !== 1 || token === undefined) {
      throw new ServiceError(
        'NotAuthorizedException',
        `Invalid login token. The Logins key must be ${providerName}.`,
      );
    }
    return String(verifyIdToken(token)['sub']);
  }

  function getId(body: Record<string, unknown>) {
    if (body['IdentityPoolId'] !== identityPoolId) {
      throw new ServiceError(
        'ResourceNotFoundException',
        `IdentityPool '${String(body['IdentityPoolId'])}' not found.`,
      );
    }
    const sub = subFromLogins(body['Logins']);
    if (sub === undefined) {
      if (!allowUnauthenticated) {
        throw new ServiceError(
          'NotAuthorizedException',
          'Unauthenticated access is not supported for this identity pool.',
        );
      }
      const identityId = `${region}:${randomUUID()}`;
      identities.set(identityId, {});
      return { IdentityId: identityId };
    }
    let identityId = identityBySub.get(sub);
    if (identityId === undefined) {
      identityId = `${region}:${randomUUID()}`;
      identityBySub.set(sub, identityId);
      identities.set(identityId, { sub });
    }
    return { IdentityId: identityId };
  }

  function getCredentialsForIdentity(body: Record<string, unknown>) {
    const identityId = text(body['IdentityId']);
    const identity = identities.get(identityId);
    if (identity === undefined)
      throw new ServiceError('ResourceNotFoundException', 'Identity not found.');
    const sub = subFromLogins(body['Logins']);
    if (identity.sub !== undefined && sub !== identity.sub) {
      throw new ServiceError(
        'NotAuthorizedException',
        'Invalid login token. Logins do not match the identity.',
      );
    }
    if (identity.sub === undefined && !allowUnauthenticated) {
      throw new ServiceError(
        'NotAuthorizedException',
        'Unauthenticated access is not supported for this identity pool.',
      );
    }
    const credentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(Math.floor(Date.now() / 1000 + credentialsLifetime) * 1000),
    };
    issued.push(credentials);
    for (const gateway of gateways) gateway.addCredentials(credentials);
    return {
      IdentityId: identityId,
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration.getTime() / 1000,
      },
    };
  }

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    'AWSCognitoIdentityProviderService.InitiateAuth': initiateAuth,
    'AWSCognitoIdentityProviderService.RespondToAuthChallenge': respondToAuthChallenge,
    'AWSCognitoIdentityService.GetId': getId,
    'AWSCognitoIdentityService.GetCredentialsForIdentity': getCredentialsForIdentity,
  };

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Expose-Headers': 'x-amzn-ErrorType, x-amzn-RequestId',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix = '', operation = ''] = target.split('.');
    const service = prefix === 'AWSCognitoIdentityService' ? 'cognito-identity' : 'cognito-idp';
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      // answered below as a serialization error
    }
    const detail = (body['AuthFlow'] ?? body['ChallengeName']) as string | undefined;
    const respond = (status: number, payload: unknown, errorType?: string) => {
      calls.push({ service, operation, ...(detail === undefined ? {} : { detail }), status });
      res.writeHead(status, {
        ...cors,
        'Content-Type': 'application/x-amz-json-1.1',
        'x-amzn-RequestId': randomUUID(),
        ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': `${errorType}:` }),
      });
      res.end(JSON.stringify(payload));
    };

    const fault = faults.find(
      (f) => f.remaining > 0 && (f.operation === operation || f.operation === '*'),
    );
    if (fault !== undefined) {
      fault.remaining -= 1;
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.error !== undefined) {
        const status = fault.status ?? (fault.error === 'InternalErrorException' ? 500 : 400);
        respond(
          status,
          { __type: fault.error, message: fault.message ?? `Injected ${fault.error}` },
          fault.error,
        );
        return;
      }
    }
    const handler = handlers[target];
    if (handler === undefined) {
      respond(
        400,
        { __type: 'UnknownOperationException', message: `Unknown operation ${target}` },
        'UnknownOperationException',
      );
      return;
    }
    try {
      respond(200, handler(body));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      respond(error.status, { __type: error.type, message: error.message }, error.type);
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalErrorException', message: String(error) }));
      });
    });
  });
  const loopback = await listenOnLoopback(server, options.port);
  const { port } = loopback;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    region,
    userPoolId,
    clientId,
    identityPoolId,
    providerName,
    calls,
    count: (operation, detail) =>
      calls.filter(
        (c) => c.operation === operation && (detail === undefined || c.detail === detail),
      ).length,
    addUser,
    revokeRefreshTokens(username) {
      for (const record of refreshTokens.values())
        if (record.username === username) record.revoked = true;
    },
    linkGateway(gateway) {
      gateways.push(gateway);
      for (const credentials of issued) gateway.addCredentials(credentials);
    },
    fail(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    close: () => loopback.close(),
  };
}
