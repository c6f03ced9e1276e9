import { parseArgs } from 'node:util';

import { urlEncode } from './curlEscape';
import { usageError } from './exitCodes';
import type { ProxyOptions } from './proxyFor';

/** One `-d`, `--data-binary` or `--json` argument, as given. */
export interface DataArgument {
  kind: 'data' | 'binary' | 'json' | 'urlencode';
  /** Text, `@file`, or `@-` for stdin (`--data-urlencode`: curl's `name=text`, `name@file`, …). */
  value: string;
}

/** A Cognito user to sign in (all four ids are required together). */
export interface CognitoUserOptions {
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  username: string;
  /** `--cognito-endpoint`: both Cognito services at this URL. */
  endpoint: string | undefined;
  /** Keep the session (tokens, never the password) in the cache directory; `--no-session-cache` not. */
  sessionCache: boolean;
}

/**
 * A request to sign and send (or presign), as the command line asks for it; `proxy` and `noProxy`
 * are `-x` and `--noproxy`.
 */
export interface RequestCommand extends ProxyOptions {
  kind: 'request';
  url: URL;
  /** `-X`, upper-cased; `undefined` picks GET, or POST with a body. */
  method: string | undefined;
  headers: Array<[string, string]>;
  data: DataArgument[];
  /** `-T`: a file to upload (`-` or `.` for stdin), PUT unless `-X` says otherwise. */
  uploadFile: string | undefined;
  get: boolean;
  /** `-I`: a HEAD request, its status line and headers written out. */
  head: boolean;
  include: boolean;
  /** `-L`: follow redirects, at most `maxRedirs`. */
  location: boolean;
  maxRedirs: number;
  insecure: boolean;
  cacert: string | undefined;
  failWithBody: boolean;
  writeOut: string | undefined;
  connectTimeoutMs: number | undefined;
  retry: number;
  /** `-D`: where to write the status line and headers (`-` for stdout). */
  dumpHeader: string | undefined;
  output: string | undefined;
  silent: boolean;
  showError: boolean;
  fail: boolean;
  verbose: boolean;
  maxTimeMs: number | undefined;
  region: string | undefined;
  service: string | undefined;
  /** `--presign`: seconds the URL stays valid. */
  presign: number | undefined;
  cognito: CognitoUserOptions | undefined;
  profile: string | undefined;
}

/** `--sign-out`: revoke and forget the cached session of a Cognito user (`-x` and `--noproxy` for the revocation). */
export interface SignOutCommand extends ProxyOptions {
  kind: 'sign-out';
  cognito: CognitoUserOptions;
}

/** `--forgot-password`: reset a Cognito user's password with a code (`-x` and `--noproxy` for the Cognito calls). */
export interface ForgotPasswordCommand extends ProxyOptions {
  kind: 'forgot-password';
  cognito: CognitoUserOptions;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'sandbox' }
  | SignOutCommand
  | ForgotPasswordCommand
  | RequestCommand;

/** The options `--help` describes, as node:util parseArgs reads them. */
export const OPTIONS = {
  request: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd', multiple: true },
  'data-binary': { type: 'string', multiple: true },
  json: { type: 'string', multiple: true },
  'data-urlencode': { type: 'string', multiple: true },
  'upload-file': { type: 'string', short: 'T' },
  get: { type: 'boolean', short: 'G' },
  head: { type: 'boolean', short: 'I' },
  location: { type: 'boolean', short: 'L' },
  'max-redirs': { type: 'string' },
  'max-time': { type: 'string' },
  'connect-timeout': { type: 'string' },
  retry: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  cacert: { type: 'string' },
  proxy: { type: 'string', short: 'x' },
  noproxy: { type: 'string' },
  region: { type: 'string' },
  service: { type: 'string' },
  presign: { type: 'string' },
  'user-pool-id': { type: 'string' },
  'client-id': { type: 'string' },
  'identity-pool-id': { type: 'string' },
  username: { type: 'string' },
  'cognito-endpoint': { type: 'string' },
  'no-session-cache': { type: 'boolean' },
  'sign-out': { type: 'boolean' },
  'forgot-password': { type: 'boolean' },
  profile: { type: 'string' },
  include: { type: 'boolean', short: 'i' },
  output: { type: 'string', short: 'o' },
  'dump-header': { type: 'string', short: 'D' },
  'write-out': { type: 'string', short: 'w' },
  'fail-with-body': { type: 'boolean' },
  silent: { type: 'boolean', short: 's' },
  'show-error': { type: 'boolean', short: 'S' },
  fail: { type: 'boolean', short: 'f' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** RFC 9110 `token`: what a header name and a method may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const USER_POOL_ID = /^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$/;
const DEFAULT_PRESIGN_SECONDS = 300;
const MAX_PRESIGN_SECONDS = 604_800;
const SEE_HELP = 'see apig-signer --help';

/** `--presign [seconds]`: an optional value, which parseArgs has no notion of. */
function expandPresign(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i] as string;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (token !== '--presign') {
      out.push(token);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      out.push(`--presign=${next}`);
      i += 1;
    } else {
      out.push(`--presign=${DEFAULT_PRESIGN_SECONDS}`);
    }
  }
  return out;
}

function parseHeader(line: string): [string, string] {
  // curl's forms: "Name: value", and "Name;" for a header with an empty value.
  const empty = /^([^:;]+);$/.exec(line);
  if (empty !== null && TOKEN.test(empty[1] as string)) return [empty[1] as string, ''];
  const colon = line.indexOf(':');
  const name = colon === -1 ? '' : line.slice(0, colon);
  if (!TOKEN.test(name)) {
    throw usageError(
      `-H ${JSON.stringify(line)}: a header is "Name: value", the name without spaces`,
    );
  }
  return [name, line.slice(colon + 1).trim()];
}

function parseUrl(text: string, presign: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(
      `${JSON.stringify(text)} is not a URL: give it whole, such as https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw usageError(
      'the URL holds a user name or password (HTTP Basic auth), which would replace the signature: remove it',
    );
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  if (url.protocol === 'wss:' || url.protocol === 'ws:') {
    if (presign) return url;
    throw usageError(
      `${url.protocol}// URLs are for WebSocket clients: presign them with --presign`,
    );
  }
  throw usageError(
    `${url.protocol} URLs are not supported: use https:// (or wss:// with --presign)`,
  );
}

/**
 * curl's `-T file URL`: a URL whose path ends in `/` (and has no query) gets the file's name
 * (after its last `/` or `\\`), URL-encoded, as its last segment. Stdin (`-`, `.`) adds none.
 */
function withUploadName(url: URL, uploadFile: string | undefined): URL {
  if (uploadFile === undefined || uploadFile === '-' || uploadFile === '.') return url;
  if (url.search !== '' || !url.pathname.endsWith('/')) return url;
  const name = uploadFile.slice(
    Math.max(uploadFile.lastIndexOf('/'), uploadFile.lastIndexOf('\\')) + 1,
  );
  const named = new URL(url.href);
  named.pathname = `${url.pathname}${urlEncode(Buffer.from(name, 'utf8'))}`;
  return named;
}

function positiveSeconds(value: string, option: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw usageError(`${option} ${JSON.stringify(value)}: give a number of seconds above 0`);
  }
  return seconds;
}

function nonEmpty(value: string | undefined, option: string): string | undefined {
  if (value !== undefined && value.trim() === '') {
    throw usageError(`${option} is empty: give a value or leave the option out`);
  }
  return value;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function cognitoUser(values: Values): CognitoUserOptions | undefined {
  const given = {
    '--user-pool-id': nonEmpty(values['user-pool-id'], '--user-pool-id'),
    '--client-id': nonEmpty(values['client-id'], '--client-id'),
    '--identity-pool-id': nonEmpty(values['identity-pool-id'], '--identity-pool-id'),
    '--username': nonEmpty(values.username, '--username'),
  };
  const endpoint = nonEmpty(values['cognito-endpoint'], '--cognito-endpoint');
  const named = Object.entries(given).filter(([, value]) => value !== undefined);
  if (named.length === 0 && endpoint === undefined) return undefined;
  const missing = Object.entries(given)
    .filter(([, value]) => value === undefined)
    .map(([option]) => option);
  if (missing.length > 0) {
    throw usageError(
      `a Cognito user needs ${missing.join(', ')} too (--user-pool-id, --client-id, --identity-pool-id and --username go together)`,
    );
  }
  const userPoolId = given['--user-pool-id'] as string;
  if (!USER_POOL_ID.test(userPoolId)) {
    throw usageError(
      `--user-pool-id ${JSON.stringify(userPoolId)} is not a user pool id: it looks like eu-west-2_AbCdEf123`,
    );
  }
  if (endpoint !== undefined) {
    try {
      new URL(endpoint);
    } catch {
      throw usageError(`--cognito-endpoint ${JSON.stringify(endpoint)} is not a URL`);
    }
  }
  return {
    userPoolId,
    clientId: given['--client-id'] as string,
    identityPoolId: given['--identity-pool-id'] as string,
    username: given['--username'] as string,
    endpoint,
    sessionCache: values['no-session-cache'] !== true,
  };
}

const DATA_OPTIONS: Readonly<Record<string, DataArgument['kind']>> = {
  data: 'data',
  'data-binary': 'binary',
  json: 'json',
  'data-urlencode': 'urlencode',
};

/**
 * `--forgot-password` and `--sign-out`: a Cognito user, `-x` and `--noproxy`, and no URL.
 *
 * @throws {@link CliError} exit 2 without the whole user, or with a URL.
 */
function userCommand<Kind extends 'forgot-password' | 'sign-out'>(
  kind: Kind,
  values: Values,
  positionals: readonly string[],
): { kind: Kind; cognito: CognitoUserOptions } & ProxyOptions {
  const cognito = cognitoUser(values);
  if (cognito === undefined || positionals.length > 0) {
    throw usageError(
      `--${kind} takes the Cognito user (--user-pool-id, --client-id, --identity-pool-id, --username) and no URL`,
    );
  }
  return { kind, cognito, proxy: nonEmpty(values.proxy, '-x'), noProxy: values.noproxy };
}

function parseValues(argv: readonly string[]): {
  values: Values;
  positionals: string[];
  data: DataArgument[];
} {
  try {
    const { values, positionals, tokens } = parseArgs({
      args: expandPresign(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    // In the order given, as curl joins them.
    const data: DataArgument[] = [];
    for (const token of tokens) {
      const kind = token.kind === 'option' ? DATA_OPTIONS[token.name] : undefined;
      if (kind !== undefined && token.kind === 'option' && token.value !== undefined) {
        data.push({ kind, value: token.value });
      }
    }
    return { values, positionals, data };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    if (unknown !== null) throw usageError(`unknown option ${unknown[1]}: ${SEE_HELP}`);
    // Node's other messages: "Option '-H, --header <value>' argument missing", "… is ambiguous."
    const first = message.split('\n')[0]?.replace(/\.$/, '') ?? message;
    throw usageError(`${first}: ${SEE_HELP}`);
  }
}

/**
 * Reads the command line into a {@link Command}. Everything that can be checked without I/O is
 * checked here, so bad input ends the command before anything is read, asked or sent.
 *
 * @throws {@link CliError} (exit 2) with one line saying what to fix.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  if (argv[0] === 'sandbox') {
    if (argv.length > 1) throw usageError(`apig-signer sandbox takes no options: ${SEE_HELP}`);
    return { kind: 'sandbox' };
  }
  const { values, positionals, data } = parseValues(argv);
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  if (values['forgot-password'] === true) {
    return userCommand('forgot-password', values, positionals);
  }
  if (values['sign-out'] === true) return userCommand('sign-out', values, positionals);

  if (positionals.length === 0)
    throw usageError(`no URL: apig-signer [options] <url>; ${SEE_HELP}`);
  if (positionals.length > 1) {
    throw usageError(
      `one URL at a time (got ${positionals.length}: ${positionals.map((p) => JSON.stringify(p)).join(' ')}); quote a value that holds spaces`,
    );
  }
  let presign: number | undefined;
  if (values.presign !== undefined) {
    presign = Number(values.presign);
    if (!/^\d+$/.test(values.presign) || presign < 1 || presign > MAX_PRESIGN_SECONDS) {
      throw usageError(
        `--presign ${values.presign}: give whole seconds from 1 to ${MAX_PRESIGN_SECONDS} (one week)`,
      );
    }
  }
  const uploadFile = nonEmpty(values['upload-file'], '-T');
  const url = withUploadName(parseUrl(positionals[0] as string, presign !== undefined), uploadFile);

  const method = values.request;
  if (method !== undefined && !TOKEN.test(method)) {
    throw usageError(`-X ${JSON.stringify(method)} is not an HTTP method`);
  }
  const headers = (values.header ?? []).map(parseHeader);
  for (const [name] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      throw usageError(
        `-H ${name}: the signature is sent in the Authorization header, so a header of your own cannot go with it: remove it (an API that takes a token instead of IAM auth needs curl, not apig-signer)`,
      );
    }
    if (lower === 'x-amz-date' || lower === 'x-amz-security-token') {
      throw usageError(
        `-H ${name}: apig-signer sets this header when it signs (the date, and the session token of your credentials): remove it`,
      );
    }
  }
  const get = values.get === true;
  const head = values.head === true;
  if (head && data.length > 0 && !get) {
    throw usageError(
      '-I sends a HEAD request, which has no body: drop -d/--data-binary/--json, or -I',
    );
  }
  if (uploadFile !== undefined && (data.length > 0 || head || get)) {
    throw usageError(
      '-T uploads a file with PUT: it cannot go with -d/--data-binary/--json/--data-urlencode, -I or -G; choose one',
    );
  }
  if (data.some((part) => part.kind === 'json') && data.some((part) => part.kind !== 'json')) {
    throw usageError('--json cannot be mixed with -d or --data-binary: give the body one way');
  }
  if (get && data.some((part) => part.kind === 'json')) {
    throw usageError('-G sends -d data as the query: a --json body cannot go there');
  }
  if (presign !== undefined) {
    if (
      data.length > 0 ||
      uploadFile !== undefined ||
      headers.length > 0 ||
      (method !== undefined && method !== 'GET')
    ) {
      throw usageError(
        '--presign signs a URL for a GET: it takes no body (-d, --data-binary, --json, -T), no -H and no -X',
      );
    }
  }

  const cognito = cognitoUser(values);
  const profile = nonEmpty(values.profile, '--profile');
  if (cognito !== undefined && profile !== undefined) {
    throw usageError(
      '--profile and a Cognito user (--user-pool-id …) exclude each other: choose one',
    );
  }

  const maxRedirs = values['max-redirs'] === undefined ? 50 : Number(values['max-redirs']);
  if (!/^-?\d+$/.test(values['max-redirs'] ?? '0') || maxRedirs < -1) {
    throw usageError(`--max-redirs ${values['max-redirs']}: give a whole number (-1 for no limit)`);
  }
  const retry = values.retry === undefined ? 0 : Number(values.retry);
  if (!/^\d+$/.test(values.retry ?? '0')) {
    throw usageError(`--retry ${values.retry}: give a whole number of retries`);
  }
  return {
    kind: 'request',
    url,
    method: method?.toUpperCase() ?? (head ? 'HEAD' : uploadFile !== undefined ? 'PUT' : undefined),
    headers,
    data,
    uploadFile,
    get,
    head,
    location: values.location === true,
    maxRedirs: maxRedirs === -1 ? Infinity : maxRedirs,
    insecure: values.insecure === true,
    cacert: nonEmpty(values.cacert, '--cacert'),
    failWithBody: values['fail-with-body'] === true,
    writeOut: values['write-out'],
    connectTimeoutMs:
      values['connect-timeout'] === undefined
        ? undefined
        : positiveSeconds(values['connect-timeout'], '--connect-timeout') * 1000,
    retry,
    proxy: nonEmpty(values.proxy, '-x'),
    noProxy: values.noproxy,
    dumpHeader: nonEmpty(values['dump-header'], '-D'),
    include: values.include === true || head,
    output: nonEmpty(values.output, '-o'),
    silent: values.silent === true,
    showError: values['show-error'] === true,
    fail: values.fail === true,
    verbose: values.verbose === true,
    maxTimeMs:
      values['max-time'] === undefined
        ? undefined
        : positiveSeconds(values['max-time'], '--max-time') * 1000,
    region: nonEmpty(values.region, '--region'),
    service: nonEmpty(values.service, '--service'),
    presign,
    cognito,
    profile,
  };
}
