import { ConfigurationError } from '../errors';

/** Where a request is signed for: the SigV4 credential scope's region and service. */
export interface SigningScope {
  region: string;
  service: string;
}

/**
 * AWS endpoint host names whose region and service can be read off the name. These are also
 * the default allowlist: a request to any other host is not signed unless `hosts` says so.
 */
const AWS_ENDPOINTS: ReadonlyArray<{ pattern: RegExp; service: string }> = [
  // {api-id}.execute-api.{region}.amazonaws.com and the VPC endpoint form
  // {api-id}-{vpce-id}.execute-api.{region}.vpce.amazonaws.com
  {
    pattern: /^[a-z0-9-]+\.execute-api\.([a-z0-9-]+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/,
    service: 'execute-api',
  },
  { pattern: /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/, service: 'lambda' },
  {
    pattern: /^[a-z0-9]+\.appsync-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/,
    service: 'appsync',
  },
  { pattern: /^(?:[a-z0-9-]+\.)+([a-z0-9-]+)\.es\.amazonaws\.com(?:\.cn)?$/, service: 'es' },
  { pattern: /^(?:[a-z0-9-]+\.)+([a-z0-9-]+)\.aoss\.amazonaws\.com(?:\.cn)?$/, service: 'aoss' },
];

/** The region and service of an AWS endpoint host name, or `undefined` for any other host. */
export function scopeFromHostname(hostname: string): SigningScope | undefined {
  const name = hostname.toLowerCase();
  for (const { pattern, service } of AWS_ENDPOINTS) {
    const match = pattern.exec(name);
    if (match?.[1] !== undefined) return { region: match[1], service };
  }
  return undefined;
}

/** One entry of the `hosts` allowlist. */
export type HostPattern = string | RegExp;

/**
 * Decides whether a request's host is one apig-signer may sign for: `hostname` as parsed,
 * `host` as it appears in the URL (`name` or `name:port`), and the URL's `protocol`, whose
 * default port a pattern with a port may name.
 */
export type HostMatcher = (hostname: string, host: string, protocol?: string) => boolean;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

const HOST_PATTERN = /^(\*\.)?((?:[a-z0-9_-]+\.)*[a-z0-9_-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

/** The port a URL connects to: the one it names, or its scheme's default. */
function portOf(host: string, protocol: string): string | undefined {
  const named = /:(\d+)$/.exec(host)?.[1];
  return named ?? DEFAULT_PORTS[protocol];
}

function compileStringPattern(raw: string): HostMatcher {
  const pattern = raw.trim().toLowerCase();
  const parts = HOST_PATTERN.exec(pattern);
  if (parts === null) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `hosts: "${raw}" is not a host pattern: use "api.example.com", "127.0.0.1:8080", "*.example.com" or a RegExp.`,
    );
  }
  const [, wildcard, name = '', port] = parts;
  const nameMatches =
    wildcard === undefined
      ? (hostname: string) => hostname === name
      : (hostname: string) => hostname.endsWith(`.${name}`);
  if (port === undefined) return (hostname) => nameMatches(hostname);
  // `api.example.com:443` names the port https connects to when the URL names none.
  return (hostname, host, protocol = 'https:') =>
    nameMatches(hostname) && portOf(host, protocol) === String(Number(port));
}

/** Whether a RegExp's source ends with an unescaped `$`. */
function anchoredAtEnd(source: string): boolean {
  if (!source.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i -= 1) backslashes += 1;
  return backslashes % 2 === 0;
}

function compileRegExp(entry: RegExp): HostMatcher {
  if (!anchoredAtEnd(entry.source)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `hosts: /${entry.source}/ is not anchored at the end (it would match example.com.evil.net): end it with $, as in /(^|\\.)example\\.com$/.`,
    );
  }
  // A global or sticky RegExp keeps state between tests; copy it without those flags. The `$`
  // applies to every branch of an alternation: /^a\.com|^b\.com$/ ends with `$` but its first
  // branch would also match a.com.evil.net.
  const regexp = new RegExp(`(?:${entry.source})$`, entry.flags.replace(/[gy]/g, ''));
  return (_hostname, host) => regexp.test(host);
}

/**
 * Compiles the `hosts` option. A string matches a host name on any port, or only on the port it
 * names (the scheme's default port included: `api.example.com:443` matches
 * `https://api.example.com`); `*.example.com` matches every subdomain of example.com (not
 * example.com itself); a RegExp, which must end with `$`, is tested against the host as it
 * appears in the URL (`name` or `name:port`). Without `hosts`, the AWS endpoint hosts whose region
 * and service can be read off the name match.
 */
export function createHostMatcher(hosts: ReadonlyArray<HostPattern> | undefined): HostMatcher {
  if (hosts === undefined) return (hostname) => scopeFromHostname(hostname) !== undefined;
  if (!Array.isArray(hosts)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'hosts must be an array of host names, wildcards or RegExps.',
    );
  }
  const matchers = hosts.map((entry: unknown): HostMatcher => {
    if (entry instanceof RegExp) return compileRegExp(entry);
    if (typeof entry === 'string') return compileStringPattern(entry);
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `hosts: each entry must be a string or a RegExp, got ${typeof entry}.`,
    );
  });
  return (hostname, host, protocol) =>
    matchers.some((matches) => matches(hostname, host, protocol));
}

/** What an AWS region name looks like: `eu-west-2`, `us-gov-west-1`, `eusc-de-east-1`. */
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
/** What a SigV4 service name looks like: `execute-api`, `lambda`, `es`. */
const SERVICE = /^[a-z0-9][a-z0-9-]*$/;
const SCOPE_CHARS = /^[a-z0-9-]+$/;

/**
 * Throws `ERR_CONFIGURATION` unless `value` (when given) can be a SigV4 region or service: only
 * `[a-z0-9-]` can stand in a credential scope, and a region has the shape AWS gives them. The
 * message names the field; it quotes the value only when it holds nothing but those characters.
 */
export function assertScopePart(
  value: unknown,
  part: 'region' | 'service',
  where: string,
): asserts value is string | undefined {
  if (value === undefined) return;
  const quotable = typeof value === 'string' && SCOPE_CHARS.test(value) && value.length <= 40;
  const shapeOk = typeof value === 'string' && (part === 'region' ? REGION : SERVICE).test(value);
  if (shapeOk) return;
  if (part === 'service') {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `${where} must be an AWS service name ([a-z0-9-]), such as "execute-api".`,
    );
  }
  const hint =
    quotable && /^([a-z]{2,4}(?:-[a-z]+)*-[a-z]+)(\d{1,2})$/.test(value)
      ? ` Did you mean "${value.replace(/(\d{1,2})$/, '-$1')}"?`
      : '';
  throw new ConfigurationError(
    'ERR_CONFIGURATION',
    `${where}${quotable ? ` "${value}"` : ''} is not an AWS region name such as "eu-west-2".${hint}`,
  );
}
