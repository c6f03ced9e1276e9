import { ConfigurationError, memoizeOwn } from '../index';
import type { Credentials } from '../index';
import { createAccountClient } from './accountClient';
import { accountFlow } from './accountFlow';
import { createAuthEvents } from './authEvents';
import { createDevices, deviceFlow } from './devices';
import { AuthError, CognitoServiceError, NotSignedInError, SessionExpiredError } from './errors';
import { toAuthError, toServiceError, typeOf } from './failures';
import { createIdentityCredentials } from './identityCredentials';
import { identityPoolClient } from './identityPool';
import type { Logins } from './identityPool';
import { foreignTokens, poolUsername } from './jwt';
import { resolveOptions } from './options';
import { createRefreshLease, LEASE_POLL_MS, LEASE_SETTLE_MS } from './refreshLease';
import { openSession, sameTokens } from './session';
import type { Session } from './session';
import { accessTokenExpired, createSessionStore, idTokenFresh, issuedTokens } from './sessionStore';
import type { StoredUser, Tokens } from './sessionStore';
import { startSignIn } from './signInFlows';
import type { SignInAttempt } from './signInSteps';
import { isPageLocalStorage, onPageHide, watchStorage } from './storage';
import { codeDelivery, requireText, signUpFlow } from './signUpFlow';
import { totpFlow } from './totpFlow';
import { createTransport } from './transport';
import { createUserPoolClient } from './userPoolClient';
import type { AuthAnswer } from './userPoolClient';
import type { SignInOptions } from './challengeTypes';
import type {
  CodeDelivery,
  CognitoAuth,
  CognitoAuthOptions,
  SignInResult,
  SignOutOptions,
} from './types';

export type {
  AuthEvent,
  AwaitingVerification,
  CognitoAccount,
  MfaPreference,
  SignUpOptions,
  SignUpResult,
  TotpSetup,
  UpdateAttributesResult,
} from './accountTypes';
export type {
  CustomChallenge,
  MfaSetupChallenge,
  OtpChallenge,
  SelectChallenge,
  SelectMfaTypeChallenge,
  SignInOptions,
} from './challengeTypes';
export type {
  CodeDelivery,
  CognitoAuth,
  CognitoAuthOptions,
  CognitoChallenge,
  MfaChallenge,
  NewPasswordChallenge,
  SignInResult,
  SignOutOptions,
} from './types';

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

const ENDED_REFRESH = 'The session ended while its tokens were being refreshed.';

/**
 * Creates the Cognito side of the flow: (1) sign a user in to a user pool, (2) exchange the ID
 * token for temporary AWS credentials from an identity pool, and hand those to `apigSigner` as
 * its `credentials` strategy.
 *
 * One user at a time: each sign-in starts a new session, and nothing of an ended session (tokens,
 * identity ids, credentials, refreshes, challenges) reaches a request or storage afterwards.
 * Every Cognito call has a timeout and bounded retries. Storage is the source of truth, so tabs
 * that share it share the user, the sign-out and the refreshed tokens.
 *
 * Needs no Cognito package: sign-in (SRP on native `BigInt` and the platform's SHA-256) and
 * both pools are called through one transport of its own. Storage keeps the layout of
 * amazon-cognito-identity-js, so users it signed in stay signed in.
 *
 * @param options - pool ids, region, and optionally the sign-in flow, storage, endpoints, guest
 * access, refresh margins, timeouts and retries.
 * @returns the {@link CognitoAuth} for the app.
 * @throws `ConfigurationError` (from `apig-signer`) at once for a missing or malformed option
 * (numbers must be finite and in range).
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
  const config = resolveOptions(options);
  const transport = createTransport({ timeoutMs: config.timeoutMs, retry: config.retry });
  const store = createSessionStore({
    storage: config.storage,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    identityPoolId: config.identityPoolId,
  });
  const identityPool = identityPoolClient(
    transport,
    config.identityEndpoint,
    config.identityPoolId,
  );
  const providerName = `cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`;
  const identityCredentials = createIdentityCredentials({
    identityPool,
    store,
    identityPoolId: config.identityPoolId,
    isCurrent: (session) => session === current,
  });
  const client = createUserPoolClient({
    transport,
    endpoint: config.userPoolEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    sha256: config.sha256,
    timeoutMs: config.timeoutMs,
  });
  const accounts = createAccountClient({
    transport,
    endpoint: config.userPoolEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    sha256: config.sha256,
  });
  const events = createAuthEvents();
  const devices = createDevices({
    storage: config.storage,
    clientId: config.clientId,
    accounts,
    client,
    sha256: config.sha256,
  });
  const poolName = config.userPoolId.slice(config.userPoolId.indexOf('_') + 1);
  const instanceId = Math.random().toString(36).slice(2);
  const lease = createRefreshLease({
    store,
    instanceId,
    leaseMs:
      (config.timeoutMs + config.retry.baseDelayMs * 2 ** config.retry.retries) *
      (config.retry.retries + 1),
    // Other storages are read and written in one process: a lease taken is seen at once.
    settleMs: isPageLocalStorage(config.storage) ? LEASE_SETTLE_MS : 0,
  });

  let current = openSession(store.readUser());
  /** Bumped by every signIn() and signOut(): an attempt with an older ticket no longer counts. */
  let signInTicket = 0;
  /** signIn() calls still running: a request made meanwhile is told to await them. */
  let signInsRunning = 0;
  const notSignedIn = (): NotSignedInError =>
    new NotSignedInError(
      signInsRunning > 0
        ? 'Nobody is signed in yet: a signIn() is still running. Await it before making requests.'
        : undefined,
    );
  /**
   * What this instance last wrote to storage. Storage reports every write, this instance's own
   * included (a `subscribe`, an asynchronous storage): tokens equal to these are no news from
   * another tab. Tokens are unique to each issue, so another tab never writes the same ones.
   */
  let lastWritten: StoredUser | undefined;

  /**
   * `store.writeUser`, noted in {@link lastWritten}. A failed write leaves storage as it was
   * (all or nothing), so the note never matches what storage holds and needs no undoing.
   */
  function writeUser(username: string, tokens: Tokens): void | Promise<void> {
    lastWritten = { username, tokens };
    return store.writeUser(username, tokens);
  }

  /** Whether storage holds what this instance wrote (so it is no news from another tab). */
  const ownWrite = (stored: StoredUser | undefined) =>
    lastWritten !== undefined &&
    stored?.username === lastWritten.username &&
    sameTokens(stored.tokens, lastWritten.tokens);

  /** Ends the current session for `next`; whatever waited on the old one fails with `reason`. */
  function replace(next: Session, reason: Error): void {
    const previous = current;
    current = next;
    previous.ended = true;
    previous.stop(reason);
    credentials.invalidate();
  }

  /** Storage is the source of truth: follow another tab's sign-in, sign-out and refresh. */
  function sync(): Session {
    const stored = store.readUser();
    const session = current;
    if (stored?.username !== session.username) {
      replace(
        openSession(stored),
        new NotSignedInError(
          stored === undefined
            ? 'Signed out (in another tab or instance sharing the storage): sign in again.'
            : 'Another user signed in (in another tab or instance sharing the storage).',
        ),
      );
      if (!ownWrite(stored)) {
        events.emit('signedOut', session.username, true);
        events.emit('signedIn', stored?.username, true);
      }
    } else if (stored !== undefined && session.tokens !== undefined) {
      if (!sameTokens(stored.tokens, session.tokens)) {
        session.tokens = stored.tokens;
        if (!ownWrite(stored)) events.emit('tokenRefreshed', session.username, true);
      }
    }
    return current;
  }

  /** `work`, unless the session ends first. */
  function untilEnded<T>(session: Session, work: Promise<T>): Promise<T> {
    return Promise.race([work, session.stopped]);
  }

  // ---- Sign-in -------------------------------------------------------------------------------

  /**
   * Makes `username` the signed-in user: storage first (all or nothing: a failed write is a
   * StorageError and starts nothing), then the new session. With an asynchronous storage the
   * sign-in must still count once the write has landed.
   */
  function startSession(
    username: string,
    tokens: Tokens,
    attempt: SignInAttempt,
  ): void | Promise<void> {
    if (!store.loaded) {
      return store.ready.then(() => {
        attempt.check();
        return startSession(username, tokens, attempt);
      });
    }
    const previous = sync();
    const guestIdentityId =
      previous.username === undefined && config.allowGuest
        ? store.identityId(undefined)
        : undefined;
    if (previous.username !== undefined && previous.username !== username) {
      store.clearUsers(previous.username);
    }
    const open = () => {
      replace(
        openSession({ username, tokens }, guestIdentityId),
        new NotSignedInError('Another sign-in started a new session while this request waited.'),
      );
      if (previous.username !== undefined && previous.username !== username) {
        events.emit('signedOut', previous.username);
      }
      events.emit('signedIn', username);
    };
    const written = writeUser(username, tokens);
    if (written === undefined) {
      open();
      return undefined;
    }
    return written.then(() => {
      attempt.check();
      open();
    });
  }

  async function signIn(
    username: string,
    password?: string,
    signInOptions?: SignInOptions,
  ): Promise<SignInResult> {
    requireText(username, 'signIn(username, password)');
    signInTicket += 1;
    const ticket = signInTicket;
    const attempt: SignInAttempt = {
      check() {
        if (ticket !== signInTicket) {
          throw new AuthError(
            'ERR_SIGN_IN_SUPERSEDED',
            'A later signIn() or signOut() overtook this sign-in: it changed nothing.',
          );
        }
      },
      commit(name, issued) {
        attempt.check();
        const foreign = foreignTokens(
          issued.idToken,
          issued.accessToken,
          config.userPoolId,
          config.clientId,
        );
        if (foreign !== undefined) {
          throw new ConfigurationError(
            'ERR_CONFIGURATION',
            `Cognito signed the user in, but ${foreign}: set \`userPoolId\` to the pool of \`clientId\`. Nothing was stored.`,
          );
        }
        return startSession(name, issuedTokens(issued), attempt);
      },
    };
    signInsRunning += 1;
    return startSignIn(
      {
        client,
        poolName,
        sha256: config.sha256,
        attempt,
        userPoolId: config.userPoolId,
        accounts,
        devices,
      },
      config.authFlow,
      username,
      password,
      signInOptions,
    ).finally(() => {
      signInsRunning -= 1;
    });
  }

  // ---- Tokens --------------------------------------------------------------------------------

  async function refreshSession(session: Session, username: string): Promise<string> {
    while (!lease.claim(username) || !(await lease.settled(username))) {
      // Another tab is refreshing: wait for its tokens (or for its lease to lapse).
      await sleep(LEASE_POLL_MS);
      const stored = sync() === session ? store.readUser() : undefined;
      if (session.ended || stored === undefined) {
        throw new NotSignedInError(ENDED_REFRESH);
      }
      if (idTokenFresh(stored.tokens, config.tokenRefreshMarginMs)) {
        session.tokens = stored.tokens;
        return stored.tokens.idToken;
      }
    }
    const stored = sync() === session ? store.readUser() : undefined;
    if (session.ended || stored === undefined) {
      lease.release(username);
      throw new NotSignedInError(ENDED_REFRESH);
    }
    if (idTokenFresh(stored.tokens, config.tokenRefreshMarginMs)) {
      lease.release(username);
      session.tokens = stored.tokens; // another tab refreshed them
      return stored.tokens.idToken;
    }
    const refreshToken = stored.tokens.refreshToken;
    let answer: AuthAnswer;
    try {
      answer = await client.initiateAuth(
        'Refreshing the session',
        'REFRESH_TOKEN_AUTH',
        { REFRESH_TOKEN: refreshToken },
        poolUsername(stored.tokens.idToken, username),
      );
    } catch (error) {
      lease.release(username);
      if (typeOf(error) !== 'NotAuthorizedException') {
        throw toServiceError(error, 'Refreshing the session');
      }
      const expired = new SessionExpiredError(
        'The session has expired or was revoked: sign in again.',
        { cause: error },
      );
      if (current === session) {
        store.clearUsers(username);
        replace(openSession(undefined), expired);
        events.emit('sessionExpired', username);
      }
      throw expired;
    }
    try {
      const { IdToken, AccessToken, RefreshToken } = answer.AuthenticationResult ?? {};
      if (typeof IdToken !== 'string' || typeof AccessToken !== 'string') {
        throw new CognitoServiceError(
          'ERR_COGNITO',
          'Cognito answered the refresh without tokens.',
        );
      }
      // Never write back into storage a session that ended, or that another tab signed out.
      if (session.ended || sync() !== session) {
        throw new NotSignedInError(ENDED_REFRESH);
      }
      const tokens = issuedTokens({
        idToken: IdToken,
        accessToken: AccessToken,
        refreshToken: typeof RefreshToken === 'string' ? RefreshToken : refreshToken,
      });
      await writeUser(username, tokens);
      session.tokens = tokens;
      events.emit('tokenRefreshed', username);
      return IdToken;
    } finally {
      // After the tokens: a tab that finds the lease gone finds the new tokens too.
      lease.release(username);
    }
  }

  /** The session's ID token, refreshed first when due (one refresh per session at a time). */
  async function idTokenOf(session: Session): Promise<string> {
    const { username, tokens } = session;
    if (username === undefined || tokens === undefined || session.ended) {
      throw notSignedIn();
    }
    if (idTokenFresh(tokens, config.tokenRefreshMarginMs)) {
      return tokens.idToken;
    }
    session.refreshing ??= refreshSession(session, username).finally(() => {
      session.refreshing = undefined;
    });
    return session.refreshing;
  }

  async function getIdToken(): Promise<string> {
    if (!store.loaded) await store.ready;
    const session = sync();
    return untilEnded(session, idTokenOf(session));
  }

  // ---- Credentials ---------------------------------------------------------------------------

  async function credentialsFor(session: Session): Promise<Credentials> {
    if (session.username === undefined && !config.allowGuest) throw notSignedIn();
    const logins: Logins =
      session.username === undefined ? undefined : { [providerName]: await idTokenOf(session) };
    return identityCredentials.issue(session, logins);
  }

  const credentials = memoizeOwn(
    async function cognitoCredentials(): Promise<Credentials> {
      if (!store.loaded) await store.ready;
      const session = sync();
      return untilEnded(session, credentialsFor(session));
    },
    { refreshWindowMs: config.credentialsRefreshWindowMs },
  );

  // ---- Passwords and sign-out ----------------------------------------------------------------

  async function forgotPassword(username: string): Promise<CodeDelivery> {
    requireText(username, 'forgotPassword(username)');
    const delivery = await client.forgotPassword(username).catch((error: unknown) => {
      throw toAuthError(error);
    });
    return codeDelivery(delivery);
  }

  async function confirmForgotPassword(
    username: string,
    code: string,
    newPassword: string,
  ): Promise<void> {
    for (const value of [username, code, newPassword]) {
      requireText(value, 'confirmForgotPassword(username, code, newPassword)');
    }
    await client.confirmForgotPassword(username, code, newPassword).catch((error: unknown) => {
      throw toAuthError(error);
    });
  }

  /** GlobalSignOut with the ended session's tokens (refreshed first if the access token expired). */
  async function signOutEverywhere(
    username: string | undefined,
    tokens: Tokens | undefined,
  ): Promise<void> {
    if (tokens === undefined || username === undefined) return;
    const what = 'Signing out on every device';
    try {
      let accessToken = tokens.accessToken;
      if (accessTokenExpired(tokens)) {
        const answer = await client.initiateAuth(
          what,
          'REFRESH_TOKEN_AUTH',
          { REFRESH_TOKEN: tokens.refreshToken },
          poolUsername(tokens.idToken, username),
        );
        const refreshed = answer.AuthenticationResult?.AccessToken;
        if (typeof refreshed === 'string') accessToken = refreshed;
      }
      await client.globalSignOut(accessToken);
    } catch (error) {
      // A refresh or access token Cognito already refuses: there is nothing left to revoke.
      if (typeOf(error) === 'NotAuthorizedException') return;
      throw toServiceError(error, what);
    }
  }

  function signOut(signOutOptions?: SignOutOptions): Promise<void> | undefined {
    if (
      signOutOptions !== undefined &&
      (typeof signOutOptions !== 'object' || signOutOptions === null)
    ) {
      throw new ConfigurationError(
        'ERR_CONFIGURATION',
        'signOut(options): options must be an object.',
      );
    }
    const session = endSession(
      'signedOut',
      'signOut() ran while this request waited for credentials: sign in again.',
    );
    if (signOutOptions?.global === true) {
      return signOutEverywhere(session.username, session.tokens);
    }
    revoke(session.tokens);
    return undefined;
  }

  /** Ends the current session (storage first), announcing `event`; returns the ended session. */
  function endSession(event: 'signedOut' | 'userDeleted', reason: string): Session {
    signInTicket += 1; // pending sign-ins and challenges no longer count
    const session = sync();
    store.clearUsers(session.username);
    replace(openSession(undefined), new NotSignedInError(reason));
    events.emit(event, session.username);
    return session;
  }

  /**
   * RevokeToken for a local sign-out, in the background: this device is signed out already, so
   * a failure (Cognito unreachable, revocation off for the app client, a token already revoked)
   * changes nothing here and is dropped. Bounded by the transport's timeout and retries.
   */
  function revoke(tokens: Tokens | undefined): void {
    if (tokens === undefined) return;
    accounts
      .call('RevokeToken', {
        Token: tokens.refreshToken,
        ClientId: config.clientId,
        ...(config.clientSecret === undefined ? {} : { ClientSecret: config.clientSecret }),
      })
      .catch(() => undefined);
  }

  // ---- Account -------------------------------------------------------------------------------

  const signedIn = {
    async accessToken() {
      await getIdToken(); // NotSignedInError when nobody is; a refresh when due
      const session = current;
      const token = session.tokens?.accessToken;
      if (token === undefined || session.ended) throw new NotSignedInError();
      return {
        token,
        deleted() {
          if (sync() !== session) return;
          endSession(
            'userDeleted',
            'The user was deleted while this request waited for credentials.',
          );
        },
      };
    },
    username: () => sync().username,
  };

  watchStorage(config.storage, () => {
    sync();
  });
  // A tab closed or reloaded in the middle of a refresh would otherwise hold the lease until it
  // lapses, and every tab of the origin (the reloaded one too) would wait that long to refresh.
  // Only the current user is kept in storage, so theirs is the only lease this tab can hold;
  // releasing is a no-op when another tab holds it.
  onPageHide(config.storage, () => {
    if (current.username !== undefined) lease.release(current.username);
  });

  return {
    signIn,
    get username() {
      return sync().username;
    },
    getIdToken,
    credentials,
    forgotPassword,
    confirmForgotPassword,
    signOut: signOut as CognitoAuth['signOut'],
    ...signUpFlow(accounts),
    ...accountFlow(accounts, signedIn),
    ...totpFlow(accounts, signedIn),
    ...deviceFlow(accounts, devices, signedIn),
    subscribe: events.subscribe,
  };
}
