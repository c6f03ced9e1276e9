import type { Credentials } from 'apig-signer';
import type { SignInResult } from 'apig-signer/cognito';

import { awsSdkClientConfig } from './awsSdkProxy';
import { cognitoEndpoints, cognitoPoolOptions, routeCognitoCalls } from './cognitoProxy';
import { describeProfile } from './describeProfile';
import { CliError, EXIT, usageError } from './exitCodes';
import type { CognitoUserOptions } from './parseCommandLine';
import type { ProxyOptions } from './proxyFor';
import type { Terminal } from './terminal';
import { CERTIFICATE_CODES, isProxyFailure, proxyFailureExit } from './transport';

/** Credentials and a description of where they came from, for `-v`. */
export interface ResolvedCredentials {
  credentials: Credentials;
  source: string;
}

export interface CredentialsContext {
  env: NodeJS.ProcessEnv;
  /** Opens the terminal on first use; `undefined` when there is none. */
  terminal: () => Terminal | undefined;
}

const NO_CREDENTIALS_HINT =
  'set --profile or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in a Cognito user with --user-pool-id, --client-id, --identity-pool-id and --username';

const QUIET_LOGGER = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A service's message as one line of ours: its first line, without a closing full stop. */
export function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/\.$/, '');
}

/** Times the two entries of a new password may differ before the command gives up. */
const NEW_PASSWORD_TRIES = 3;

/**
 * A new password, typed twice at the hidden prompt (a typo would otherwise become the account's
 * password); asked again when the two differ.
 */
export async function newPasswordTwice(terminal: Terminal, username: string): Promise<string> {
  for (let attempt = 1; attempt <= NEW_PASSWORD_TRIES; attempt += 1) {
    const first = await terminal.ask(`New password for ${username}: `, { hidden: true });
    const again = await terminal.ask(`New password again: `, { hidden: true });
    if (first === again) return first;
    terminal.say('The two new passwords differ: type them again.');
  }
  throw usageError(
    `the new password for ${username} was typed differently ${NEW_PASSWORD_TRIES} times: nothing was changed`,
  );
}

async function challengeAnswers(
  username: string,
  first: SignInResult,
  context: CredentialsContext,
): Promise<void> {
  let result = first;
  while (result.challenge !== undefined) {
    const challenge = result.challenge;
    const terminal = context.terminal();
    if (terminal === undefined) {
      throw new CliError(
        EXIT.LOGIN_DENIED,
        `Cognito asks ${username} for ${challenge.name === 'NEW_PASSWORD_REQUIRED' ? 'a new password' : 'an MFA code'} (${challenge.name}): run apig-signer on a terminal to answer it`,
      );
    }
    if (challenge.name === 'NEW_PASSWORD_REQUIRED') {
      const newPassword = await newPasswordTwice(terminal, username);
      const attributes: Record<string, string> = {};
      for (const name of challenge.requiredAttributes) {
        attributes[name] = await terminal.ask(`${name}: `, { hidden: false });
      }
      result = await challenge.answer(newPassword, attributes);
    } else {
      const question =
        challenge.name === 'SMS_MFA'
          ? `Code sent to ${challenge.destination ?? 'your phone'}: `
          : 'Code from your authenticator app: ';
      result = await challenge.answer(await terminal.ask(question, { hidden: false }));
    }
  }
}

/** The password: APIG_SIGNER_PASSWORD, else a hidden prompt; asked only when a sign-in needs it. */
async function passwordFor(user: CognitoUserOptions, context: CredentialsContext): Promise<string> {
  const fromEnvironment = context.env['APIG_SIGNER_PASSWORD'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  const terminal = context.terminal();
  if (terminal === undefined) {
    throw usageError(
      `no password for ${user.username}: set APIG_SIGNER_PASSWORD, or run apig-signer on a terminal to be asked`,
    );
  }
  return terminal.ask(`Password for ${user.username}: `, { hidden: true });
}

async function fromCognitoUser(
  user: CognitoUserOptions,
  proxy: ProxyOptions,
  context: CredentialsContext,
): Promise<ResolvedCredentials> {
  // The user pool's endpoint first: the one named when Cognito cannot be reached.
  const endpoints = cognitoEndpoints(user);
  // Before the library is loaded: it reads the proxy variables when it sends.
  routeCognitoCalls(endpoints, proxy, context.env);
  const {
    createCognitoAuth,
    AuthError,
    CognitoServiceError,
    NotSignedInError,
    SessionExpiredError,
  } = await import('apig-signer/cognito');
  const cache = user.sessionCache
    ? (await import('./sessionCache')).sessionCache(context.env, user)
    : undefined;
  const auth = createCognitoAuth({
    ...cognitoPoolOptions(user),
    ...(cache === undefined ? {} : { storage: cache.storage }),
  });
  const source = `Cognito user ${user.username} (user pool ${user.userPoolId}, identity pool ${user.identityPoolId})`;
  // A cached session first: its tokens, refreshed with the refresh token when due. A session
  // Cognito no longer honours (expired, revoked, or refused outright, as after the pools were
  // re-created) falls through to a sign-in, which overwrites the file. Cognito out of reach does
  // not: a sign-in would not get through either.
  if (cache !== undefined && auth.username === user.username) {
    try {
      return {
        credentials: await auth.credentials(),
        source: `${source}, the session cached in ${cache.path}`,
      };
    } catch (error) {
      const refused =
        error instanceof NotSignedInError ||
        error instanceof SessionExpiredError ||
        (error instanceof CognitoServiceError && error.code === 'ERR_COGNITO');
      if (!refused) throw error;
    }
  }
  // Asked (or refused) before any sign-in call goes out.
  const password = await passwordFor(user, context);
  try {
    await challengeAnswers(user.username, await auth.signIn(user.username, password), context);
    return { credentials: await auth.credentials(), source };
  } catch (error) {
    if (error instanceof CognitoServiceError && error.code !== 'ERR_COGNITO') {
      const endpoint = endpoints[0] as string;
      const timedOut = error.code === 'ERR_COGNITO_TIMEOUT';
      throw new CliError(
        timedOut ? EXIT.TIMEOUT : EXIT.CONNECT,
        `Cognito ${timedOut ? 'did not answer' : 'could not be reached'} at ${endpoint} (${error.code}): ${firstLine(error.message)}; check the network, the proxy (HTTPS_PROXY) or --cognito-endpoint`,
        { cause: error },
      );
    }
    if (error instanceof AuthError) {
      throw new CliError(
        EXIT.LOGIN_DENIED,
        `Cognito refused the sign-in of ${user.username}: ${firstLine(error.message)}`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Keys in the environment, as the default chain's first link reads them, without loading the
 * AWS SDK (a large part of a signed call's start-up). Only when no profile is named: with
 * AWS_PROFILE or --profile, the chain reads the profile instead.
 */
function fromEnvironment(env: NodeJS.ProcessEnv): ResolvedCredentials | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const expiration = env['AWS_CREDENTIAL_EXPIRATION'];
  return {
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(expiration ? { expiration: new Date(expiration) } : {}),
    },
    source: `the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY${sessionToken ? ', AWS_SESSION_TOKEN' : ''})`,
  };
}

async function fromAwsChain(
  profile: string | undefined,
  proxy: ProxyOptions,
  context: CredentialsContext,
): Promise<ResolvedCredentials> {
  const named = profile ?? context.env['AWS_PROFILE'];
  if (named === undefined) {
    const fromEnv = fromEnvironment(context.env);
    if (fromEnv !== undefined) return fromEnv;
  }
  // STS (assume-role, web identity), SSO and SSO OIDC through the proxy, by the API call's
  // rules: each provider builds its client from `clientConfig`.
  const clientConfig = awsSdkClientConfig(proxy, context.env);
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  try {
    const credentials = await fromNodeProviderChain({
      ...(profile === undefined ? {} : { profile }),
      ...(clientConfig === undefined ? {} : { clientConfig }),
      // The chain warns on the console, over many lines, when a profile and keys are both in
      // the environment; the guide documents its rule (the profile wins) instead.
      logger: QUIET_LOGGER,
    })();
    return {
      credentials,
      source: `the AWS SDK's default chain${named === undefined ? '' : ` (profile ${named})`}`,
    };
  } catch (error) {
    throw await chainFailure(
      error,
      named,
      profile === undefined ? 'AWS_PROFILE' : '--profile',
      context.env,
    );
  }
}

/** Network failures of the SDK's calls (STS, SSO, instance metadata): the service is unreachable. */
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'TimeoutError',
]);

/**
 * Says which source failed and why: the profile is missing, or lacks its secret key, its
 * credential_process failed, STS could not be reached, or STS refused.
 */
async function chainFailure(
  error: unknown,
  named: string | undefined,
  flag: string,
  env: NodeJS.ProcessEnv,
): Promise<CliError> {
  const message = error instanceof Error ? firstLine(error.message) : String(error);
  const code =
    (error as { code?: unknown; name?: unknown } | undefined)?.code ??
    (error as { name?: unknown } | undefined)?.name;
  if (named !== undefined) {
    const facts = await describeProfile(named, env);
    if (facts.foundIn.length === 0) {
      return usageError(
        `profile ${named} (${flag}) is in neither ${facts.files.join(' nor ')}: check its name (aws configure list-profiles), or drop ${flag}`,
      );
    }
    if (facts.settings.has('aws_access_key_id') && !facts.settings.has('aws_secret_access_key')) {
      return usageError(
        `profile ${named} has aws_access_key_id but no aws_secret_access_key (in ${facts.foundIn.join(', ')}): add it`,
      );
    }
    if (facts.settings.has('credential_process')) {
      // The chain's last words are generic: ask the process provider alone for its own.
      const { fromProcess } = await import('@aws-sdk/credential-providers');
      const why = await fromProcess({ profile: named })().then(
        () => message,
        (failure: unknown) => (failure instanceof Error ? firstLine(failure.message) : message),
      );
      return usageError(`the credential_process of profile ${named} failed: ${why}`);
    }
  }
  if (isProxyFailure(error)) {
    // The SDK's call went to the proxy (-x, HTTPS_PROXY…), which could not be reached or refused.
    return new CliError(
      proxyFailureExit(code),
      `the AWS credentials service could not be reached: ${message}`,
      { cause: error },
    );
  }
  if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) {
    // --cacert and -k are for the API call; the SDK's clients trust Node's CAs.
    return new CliError(
      EXIT.PEER_CERTIFICATE,
      `the certificate of the AWS credentials service is not trusted (${code}): add its CA with NODE_EXTRA_CA_CERTS`,
      { cause: error },
    );
  }
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return new CliError(
      code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? EXIT.RESOLVE : EXIT.CONNECT,
      `the AWS credentials service could not be reached (${code}): ${message}; check the network or proxy (-x, HTTPS_PROXY)`,
      { cause: error },
    );
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return usageError(
      `no AWS credentials${named === undefined ? '' : ` for profile ${named}`} (${message}): ${NO_CREDENTIALS_HINT}`,
    );
  }
  return new CliError(EXIT.LOGIN_DENIED, `the AWS credentials were refused: ${message}`, {
    cause: error,
  });
}

/**
 * The credentials to sign with, first match wins: a Cognito user when one is named, otherwise
 * the AWS SDK's default Node chain (environment, profile, SSO, container and instance roles).
 *
 * The Cognito calls, and the AWS SDK's STS and SSO calls for a profile, go through the proxy `-x`
 * or the environment names, by the rules of the API call ({@link routeCognitoCalls},
 * {@link awsSdkClientConfig}).
 *
 * @throws {@link CliError}: exit 2 when there are none, 67 when Cognito refuses the sign-in.
 */
export function resolveCredentials(
  options: {
    cognito: CognitoUserOptions | undefined;
    profile: string | undefined;
  } & ProxyOptions,
  context: CredentialsContext,
): Promise<ResolvedCredentials> {
  return options.cognito === undefined
    ? fromAwsChain(options.profile, options, context)
    : fromCognitoUser(options.cognito, options, context);
}
