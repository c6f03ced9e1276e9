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

/** Decides whether a request's host is one apig-signer may sign for. */
export type HostMatcher = (hostname: string, host: string) => boolean;

const HOST_PATTERN = /^(\*\.)?((?:[a-z0-9_-]+\.)*[a-z0-9_-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

function compileStringPattern(raw: string): HostMatcher {
  const pattern = raw.trim().toLowerCase();
  const parts = HOST_PATTERN.exec(pattern);
  if (parts === null) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `hosts: "${raw}" is not a host name pattern. Use a host ("api.example.com"), a host and port ("127.0.0.1:8080"), a wildcard ("*.example.com") or a RegExp.`,
    );
  }
  const [, wildcard, name = '', port] = parts;
  const nameMatches =
    wildcard === undefined
      ? (hostname: string) => hostname === name
      : (hostname: string) => hostname.endsWith(`.${name}`);
  if (port === undefined) return (hostname) => nameMatches(hostname);
  return (hostname, host) => nameMatches(hostname) && host.endsWith(`:${port}`);
}

/**
 * Compiles the `hosts` option. A string matches a host name on any port, or only on the port it
 * names; `*.example.com` matches every subdomain of example.com (not example.com itself); a
 * RegExp is tested against the host as it appears in the URL (`name` or `name:port`). Without
 * `hosts`, the AWS endpoint hosts whose region and service can be read off the name match.
 */
export function createHostMatcher(hosts: ReadonlyArray<HostPattern> | undefined): HostMatcher {
  if (hosts === undefined) return (hostname) => scopeFromHostname(hostname) !== undefined;
  if (!Array.isArray(hosts)) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'hosts must be an array of host names, wildcards ("*.example.com") or RegExps.',
    );
  }
  const matchers = hosts.map((entry: unknown): HostMatcher => {
    if (entry instanceof RegExp) {
      // A global or sticky RegExp keeps state between tests; copy it without those flags.
      const regexp = new RegExp(entry.source, entry.flags.replace(/[gy]/g, ''));
      return (_hostname, host) => regexp.test(host);
    }
    if (typeof entry === 'string') return compileStringPattern(entry);
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `hosts: each entry must be a string or a RegExp, got ${typeof entry}.`,
    );
  });
  return (hostname, host) => matchers.some((matches) => matches(hostname, host));
}
