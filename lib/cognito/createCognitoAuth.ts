import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import {
  AuthenticationDetails,
  CognitoAccessToken,
  CognitoIdToken,
  CognitoRefreshToken,
  CognitoUser,
  CognitoUserPool,
  CognitoUserSession,
} from 'amazon-cognito-identity-js';
import type { IAuthenticationCallback } from 'amazon-cognito-identity-js';

import { ApigSignerError, ConfigurationError, memoize } from '../index';
import type { Credentials, CredentialsProvider, MemoizedCredentialsProvider } from '../index';
import { AuthError, CognitoServiceError, NotSignedInError, SessionExpiredError } from './errors';
import { toAuthError, withRetries } from './failures';
import type { RetryPolicy } from './failures';
import { defaultStorage } from './storage';
import type { CognitoStorage } from './storage';

/** Options of {@link createCognitoAuth}. */
export interface CognitoAuthOptions {
  /** The region of the user pool and identity pool, such as `eu-west-2`. */
  region: string;
  /** The user pool id, such as `eu-west-2_AbCdEf123`. */
  userPoolId: string;
  /** The id of an app client of the user pool, without a client secret. */
  clientId: string;
  /** The identity pool id, such as `eu-west-2:1234abcd-…`. */
  identityPoolId: string;
  /**
   * How users sign in: the Secure Remote Password protocol (the password never leaves the
   * device) or the password itself over TLS.
   * @defaultValue `'USER_SRP_AUTH'`
   */
  authFlow?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | undefined;
  /**
   * Where tokens and the identity id are kept, so a reload restores the session.
   * @defaultValue `localStorage` in browsers; in Node an in-memory store of this instance
   */
  storage?: CognitoStorage | undefined;
  /**
   * Endpoint overrides (full URLs), for the emulator, VPC endpoints or FIPS.
   * @defaultValue `https://cognito-idp.{region}.amazonaws.com/` and
   * `https://cognito-identity.{region}.amazonaws.com`
   */
  endpoints?:
    | {
        /** The user pool endpoint, such as the emulator's `url`. */
        userPool?: string | undefined;
        /** The identity pool endpoint. */
        identity?: string | undefined;
      }
    | undefined;
  /**
   * Give visitors who are not signed in the identity pool's unauthenticated (guest) identity.
   * @defaultValue `false`: `credentials` then fails with {@link NotSignedInError}
   */
  allowGuest?: boolean | undefined;
  /**
   * How long before the ID token expires it is refreshed, in milliseconds.
   * @defaultValue `300000` (5 minutes)
   */
  tokenRefreshMarginMs?: number | undefined;
  /**
   * How long before the AWS credentials expire they are refreshed, in milliseconds.
   * @defaultValue `300000` (5 minutes)
   */
  credentialsRefreshWindowMs?: number | undefined;
  /**
   * Retries of a Cognito call that was throttled or failed with a 5xx, with exponential backoff.
   * @defaultValue `{ retries: 2, baseDelayMs: 200 }`
   */
  retry?: Partial<RetryPolicy> | undefined;
}

/** The outcome of a sign-in step: signed in (no `challenge`), or a challenge to answer. */
export interface SignInResult {
  /** The user name Cognito knows the user by. */
  username: string;
  /** Absent when the user is signed in; otherwise what Cognito asks for next. */
  challenge?: CognitoChallenge | undefined;
}

/** Cognito asks for a new password (first sign-in with a temporary password). */
export interface NewPasswordChallenge {
  /** The challenge. */
  name: 'NEW_PASSWORD_REQUIRED';
  /** The user's current attributes. */
  userAttributes: Record<string, string>;
  /** Attributes that must be given with the new password. */
  requiredAttributes: string[];
  /** Sets the new password (and required attributes); resolves to the next step. */
  answer(newPassword: string, attributes?: Record<string, string>): Promise<SignInResult>;
}

/** Cognito asks for a code: sent by SMS (`SMS_MFA`) or from an authenticator app (`SOFTWARE_TOKEN_MFA`). */
export interface MfaChallenge {
  /** The challenge. */
  name: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA';
  /** Where an SMS code was sent (masked), if Cognito says. */
  destination?: string | undefined;
  /** Sends the code; resolves to the next step. */
  answer(code: string): Promise<SignInResult>;
}

/** A challenge {@link CognitoAuth.signIn} can return. */
export type CognitoChallenge = NewPasswordChallenge | MfaChallenge;

/** Sign-in, session and credentials for one app; see {@link createCognitoAuth}. */
export interface CognitoAuth {
  /**
   * Signs a user in to the user pool. Resolves when signed in, or with a challenge to answer.
   * @throws {@link AuthError} when Cognito refuses; {@link CognitoServiceError} after retries.
   */
  signIn(username: string, password: string): Promise<SignInResult>;
  /** The signed-in user's name (restored from storage too), or `undefined`. */
  readonly username: string | undefined;
  /**
   * The ID token, refreshed with the refresh token when it is within `tokenRefreshMarginMs` of
   * expiring.
   * @throws {@link NotSignedInError}; {@link SessionExpiredError} when the refresh token no longer works.
   */
  getIdToken(): Promise<string>;
  /**
   * The credentials strategy for `apigSigner`: identity-pool credentials for the signed-in user
   * (or a guest), memoised, refreshed before they expire, one fetch for concurrent requests.
   */
  readonly credentials: MemoizedCredentialsProvider;
  /** Signs out on this device: clears the tokens, the identity id and cached credentials. */
  signOut(): void;
}

const DEFAULT_MARGIN_MS = 300_000;
const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `createCognitoAuth(): \`${name}\` must be a non-empty string.`,
    );
  }
  return value;
}

function validateEndpoint(value: string | undefined, name: string): void {
  if (value === undefined) return;
  try {
    new URL(value);
  } catch {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `createCognitoAuth(): endpoints.${name} must be a URL, such as https://cognito-idp.eu-west-2.amazonaws.com/.`,
    );
  }
}

/** The pool's private HTTP client: one request, no retry loop (refreshSession retries for seconds). */
interface PoolClient {
  request(
    operation: string,
    params: unknown,
    callback: (error: unknown, data: unknown) => void,
  ): void;
}

/**
 * Creates the Cognito side of the flow: (1) sign a user in to a user pool, (2) exchange the ID
 * token for temporary AWS credentials from an identity pool, and hand those to `apigSigner` as
 * its `credentials` strategy.
 *
 * Uses `amazon-cognito-identity-js` for the user pool and
 * `@aws-sdk/credential-provider-cognito-identity` for the identity pool (optional peer
 * dependencies, imported only by `apig-signer/cognito`).
 *
 * @param options - pool ids, region, and optionally the sign-in flow, storage, endpoints, guest
 * access, refresh margins and retries.
 * @returns the {@link CognitoAuth} for the app.
 * @throws `ConfigurationError` (from `apig-signer`) at once for a missing or malformed option.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { apigSigner } from 'apig-signer';
 * import { createCognitoAuth } from 'apig-signer/cognito';
 *
 * const auth = createCognitoAuth({
 *   region: 'eu-west-2',
 *   userPoolId: 'eu-west-2_AbCdEf123',
 *   clientId: '1example23456789',
 *   identityPoolId: 'eu-west-2:11111111-2222-3333-4444-555555555555',
 * });
 * const api = axios.create({ baseURL: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod' });
 * api.interceptors.request.use(apigSigner({ credentials: auth.credentials }));
 *
 * const result = await auth.signIn('alice', 'correct horse battery staple');
 * if (result.challenge?.name === 'SOFTWARE_TOKEN_MFA') await result.challenge.answer('123456');
 * await api.get('/notes');
 * auth.signOut();
 * ```
 */
export function createCognitoAuth(options: CognitoAuthOptions): CognitoAuth {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'createCognitoAuth(options): options must be an object.',
    );
  }
  const region = requireString(options.region, 'region');
  const userPoolId = requireString(options.userPoolId, 'userPoolId');
  const clientId = requireString(options.clientId, 'clientId');
  const identityPoolId = requireString(options.identityPoolId, 'identityPoolId');
  if (!USER_POOL_ID.test(userPoolId)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'createCognitoAuth(): `userPoolId` must look like eu-west-2_AbCdEf123.',
    );
  }
  const authFlow = options.authFlow ?? 'USER_SRP_AUTH';
  if (authFlow !== 'USER_SRP_AUTH' && authFlow !== 'USER_PASSWORD_AUTH') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      "createCognitoAuth(): `authFlow` must be 'USER_SRP_AUTH' or 'USER_PASSWORD_AUTH'.",
    );
  }
  validateEndpoint(options.endpoints?.userPool, 'userPool');
  validateEndpoint(options.endpoints?.identity, 'identity');
  const margin = options.tokenRefreshMarginMs ?? DEFAULT_MARGIN_MS;
  const retry: RetryPolicy = {
    retries: options.retry?.retries ?? 2,
    baseDelayMs: options.retry?.baseDelayMs ?? 200,
  };
  const storage = options.storage ?? defaultStorage();
  const providerName = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const identityCacheKey = (who: string) =>
    `aws:cognito-identity-credentials:${identityPoolId}:${who}`;

  const pool = new CognitoUserPool({
    UserPoolId: userPoolId,
    ClientId: clientId,
    Storage: storage,
    ...(options.endpoints?.userPool === undefined ? {} : { endpoint: options.endpoints.userPool }),
  });
  const poolClient = (pool as unknown as { client: PoolClient }).client;

  let user: CognitoUser | undefined;
  let identity: CredentialsProvider | undefined;
  let refreshing: Promise<string> | undefined;
  /** Bumped on every sign-in and sign-out: late answers for an earlier session are dropped. */
  let generation = 0;

  function identityProvider(forUser: string | undefined): CredentialsProvider {
    return fromCognitoIdentityPool({
      identityPoolId,
      cache: storage,
      userIdentifier: forUser ?? 'ANONYMOUS',
      ...(forUser === undefined ? {} : { logins: { [providerName]: () => getIdToken() } }),
      clientConfig: {
        region,
        maxAttempts: 1, // retries are ours: bounded, with backoff, then a typed error
        ...(options.endpoints?.identity === undefined
          ? {}
          : { endpoint: options.endpoints.identity }),
      },
    });
  }

  function sessionFromStorage(candidate: CognitoUser): CognitoUserSession | undefined {
    const prefix = `CognitoIdentityServiceProvider.${clientId}.${candidate.getUsername()}`;
    const idToken = storage.getItem(`${prefix}.idToken`);
    const accessToken = storage.getItem(`${prefix}.accessToken`);
    const refreshToken = storage.getItem(`${prefix}.refreshToken`);
    if (!idToken || !accessToken || !refreshToken) return undefined;
    return new CognitoUserSession({
      IdToken: new CognitoIdToken({ IdToken: idToken }),
      AccessToken: new CognitoAccessToken({ AccessToken: accessToken }),
      RefreshToken: new CognitoRefreshToken({ RefreshToken: refreshToken }),
    });
  }

  function activate(signedIn: CognitoUser): void {
    generation += 1;
    user = signedIn;
    identity = identityProvider(signedIn.getUsername());
    refreshing = undefined;
    credentials.invalidate();
  }

  function clearSession(): void {
    generation += 1;
    if (user !== undefined) {
      storage.removeItem(identityCacheKey(user.getUsername()));
      user.signOut();
    }
    user = undefined;
    identity = options.allowGuest ? identityProvider(undefined) : undefined;
    refreshing = undefined;
    credentials.invalidate();
  }

  function callUserPool(operation: string, params: unknown): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      poolClient.request(operation, params, (error, data) => {
        // The library's errors are Error instances with a `code`; pass them on as they are.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        if (error) reject(error);
        else resolve(data as Record<string, unknown>);
      });
    });
  }

  async function refreshIdToken(
    current: CognitoUser,
    session: CognitoUserSession,
  ): Promise<string> {
    const startedIn = generation;
    let answer: Record<string, unknown>;
    try {
      answer = await withRetries('Refreshing the session', retry, () =>
        callUserPool('InitiateAuth', {
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() },
        }),
      );
    } catch (error) {
      if (error instanceof ApigSignerError) throw error;
      if ((error as { code?: unknown }).code === 'NotAuthorizedException') {
        if (startedIn === generation) clearSession();
        throw new SessionExpiredError(
          'The session has expired or was revoked (the refresh token no longer works): sign in again.',
          { cause: error },
        );
      }
      throw toAuthError(error);
    }
    const result = (answer['AuthenticationResult'] ?? {}) as Record<string, string | undefined>;
    const idToken = result['IdToken'];
    const accessToken = result['AccessToken'];
    if (!idToken || !accessToken) {
      throw new CognitoServiceError('ERR_COGNITO', 'Cognito answered the refresh without tokens.');
    }
    const renewed = new CognitoUserSession({
      IdToken: new CognitoIdToken({ IdToken: idToken }),
      AccessToken: new CognitoAccessToken({ AccessToken: accessToken }),
      RefreshToken: new CognitoRefreshToken({
        RefreshToken: result['RefreshToken'] ?? session.getRefreshToken().getToken(),
      }),
    });
    if (startedIn === generation && user === current) current.setSignInUserSession(renewed);
    return idToken;
  }

  async function getIdToken(): Promise<string> {
    const current = user;
    const session = current?.getSignInUserSession();
    if (current === undefined || session === null || session === undefined)
      throw new NotSignedInError();
    const idToken = session.getIdToken();
    if (idToken.getExpiration() * 1000 - Date.now() > margin) return idToken.getJwtToken();
    refreshing ??= refreshIdToken(current, session).finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  const credentials = memoize(
    async function cognitoCredentials(): Promise<Credentials> {
      const provider = identity;
      if (provider === undefined) throw new NotSignedInError();
      let issued: Credentials;
      try {
        issued = await withRetries('Fetching identity-pool credentials', retry, () => provider());
      } catch (error) {
        if (error instanceof ApigSignerError) throw error;
        throw new CognitoServiceError(
          'ERR_COGNITO',
          `The identity pool refused to issue credentials (${(error as { name?: string }).name ?? 'error'}): check the identity pool's authentication providers and roles.`,
          { cause: error },
        );
      }
      return {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        ...(issued.sessionToken === undefined ? {} : { sessionToken: issued.sessionToken }),
        ...(issued.expiration === undefined ? {} : { expiration: issued.expiration }),
      };
    },
    { refreshWindowMs: options.credentialsRefreshWindowMs ?? DEFAULT_MARGIN_MS },
  );

  function runAuth(
    cognitoUser: CognitoUser,
    start: (callbacks: IAuthenticationCallback) => void,
  ): Promise<SignInResult> {
    return new Promise<SignInResult>((resolve, reject) => {
      const unsupported = (name: string) => {
        reject(
          new AuthError(
            'ERR_UNSUPPORTED_CHALLENGE',
            `Cognito asked for the ${name} challenge, which apig-signer does not answer: turn it off for this app client, or sign in with amazon-cognito-identity-js directly.`,
          ),
        );
      };
      const answerWith = (step: (callbacks: IAuthenticationCallback) => void) => () =>
        withRetries('Signing in', retry, () => runAuth(cognitoUser, step)).catch(
          (error: unknown) => {
            throw toAuthError(error);
          },
        );
      start({
        onSuccess: () => {
          activate(cognitoUser);
          resolve({ username: cognitoUser.getUsername() });
        },
        onFailure: reject,
        newPasswordRequired: (
          userAttributes: Record<string, string> | null,
          requiredAttributes: string[] | null,
        ) => {
          const attributes = { ...(userAttributes ?? {}) };
          // Cognito returns these, but refuses them back in the answer.
          delete attributes['email_verified'];
          delete attributes['phone_number_verified'];
          resolve({
            username: cognitoUser.getUsername(),
            challenge: {
              name: 'NEW_PASSWORD_REQUIRED',
              userAttributes: attributes,
              requiredAttributes: requiredAttributes ?? [],
              answer: (newPassword, extra = {}) =>
                answerWith((callbacks) => {
                  cognitoUser.completeNewPasswordChallenge(newPassword, extra, callbacks);
                })(),
            },
          });
        },
        mfaRequired: (_name: unknown, parameters: Record<string, string> | undefined) => {
          resolve({
            username: cognitoUser.getUsername(),
            challenge: {
              name: 'SMS_MFA',
              destination: parameters?.['CODE_DELIVERY_DESTINATION'],
              answer: (code) =>
                answerWith((callbacks) => {
                  cognitoUser.sendMFACode(code, callbacks, 'SMS_MFA');
                })(),
            },
          });
        },
        totpRequired: () => {
          resolve({
            username: cognitoUser.getUsername(),
            challenge: {
              name: 'SOFTWARE_TOKEN_MFA',
              answer: (code) =>
                answerWith((callbacks) => {
                  cognitoUser.sendMFACode(code, callbacks, 'SOFTWARE_TOKEN_MFA');
                })(),
            },
          });
        },
        selectMFAType: () => {
          unsupported('SELECT_MFA_TYPE');
        },
        mfaSetup: () => {
          unsupported('MFA_SETUP');
        },
        customChallenge: () => {
          unsupported('CUSTOM_CHALLENGE');
        },
      });
    });
  }

  async function signIn(username: string, password: string): Promise<SignInResult> {
    if (
      typeof username !== 'string' ||
      username === '' ||
      typeof password !== 'string' ||
      password === ''
    ) {
      throw new ConfigurationError(
        'ERR_CONFIGURATION',
        'signIn(username, password): both must be non-empty strings.',
      );
    }
    clearSession();
    const cognitoUser = new CognitoUser({ Username: username, Pool: pool, Storage: storage });
    if (authFlow === 'USER_PASSWORD_AUTH')
      cognitoUser.setAuthenticationFlowType('USER_PASSWORD_AUTH');
    const details = new AuthenticationDetails({ Username: username, Password: password });
    try {
      return await withRetries('Signing in', retry, () =>
        runAuth(cognitoUser, (callbacks) => {
          cognitoUser.authenticateUser(details, callbacks);
        }),
      );
    } catch (error) {
      throw toAuthError(error);
    }
  }

  // Restore a session kept in storage (a page reload).
  const restored = pool.getCurrentUser();
  const restoredSession = restored === null ? undefined : sessionFromStorage(restored);
  if (restored !== null && restoredSession !== undefined) {
    restored.setSignInUserSession(restoredSession);
    user = restored;
    identity = identityProvider(restored.getUsername());
  } else if (options.allowGuest) {
    identity = identityProvider(undefined);
  }

  return {
    signIn,
    get username() {
      return user?.getUsername();
    },
    getIdToken,
    credentials,
    signOut: clearSession,
  };
}
