import { ConfigurationError } from '../../lib';
import { createHostMatcher, scopeFromHostname } from '../../lib/signing/endpoint';

describe('scopeFromHostname', () => {
  it.each([
    ['a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com', 'eu-west-2', 'execute-api'],
    ['A1B2C3D4E5.Execute-Api.US-EAST-1.amazonaws.com', 'us-east-1', 'execute-api'],
    [
      'a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.ap-south-1.vpce.amazonaws.com',
      'ap-south-1',
      'execute-api',
    ],
    ['a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn', 'cn-north-1', 'execute-api'],
    ['abcdefghijklmnop.lambda-url.us-west-2.on.aws', 'us-west-2', 'lambda'],
    ['xyz123.appsync-api.eu-central-1.amazonaws.com', 'eu-central-1', 'appsync'],
    ['search-mydomain-abc123.us-east-2.es.amazonaws.com', 'us-east-2', 'es'],
    ['vpc-logs-xyz.cn-northwest-1.es.amazonaws.com.cn', 'cn-northwest-1', 'es'],
    ['abc123xyz.eu-west-1.aoss.amazonaws.com', 'eu-west-1', 'aoss'],
  ])('%s → %s / %s', (host, region, service) => {
    expect(scopeFromHostname(host)).toEqual({ region, service });
  });

  it.each([
    'api.example.com',
    'execute-api.us-east-1.amazonaws.com',
    'a1b2.execute-api.us-east-1.amazonaws.com.evil.com',
    'a1b2.execute-api.us-east-1.amazonaws.com-evil.com',
    'evil.com',
    's3.amazonaws.com',
    '127.0.0.1',
  ])('%s is not an AWS endpoint it knows', (host) => {
    expect(scopeFromHostname(host)).toBeUndefined();
  });
});

describe('createHostMatcher', () => {
  const matches = (hosts: Array<string | RegExp> | undefined, hostname: string, host = hostname) =>
    createHostMatcher(hosts)(hostname, host);

  it('defaults to the AWS endpoints it knows', () => {
    expect(matches(undefined, 'a1.execute-api.eu-west-2.amazonaws.com')).toBe(true);
    expect(matches(undefined, 'api.example.com')).toBe(false);
  });

  it('matches a host name on any port, or only on the port it names', () => {
    expect(matches(['api.example.com'], 'api.example.com')).toBe(true);
    expect(matches(['api.example.com'], 'api.example.com', 'api.example.com:8443')).toBe(true);
    expect(matches(['api.example.com'], 'www.example.com')).toBe(false);
    expect(matches(['127.0.0.1:8080'], '127.0.0.1', '127.0.0.1:8080')).toBe(true);
    expect(matches(['127.0.0.1:8080'], '127.0.0.1', '127.0.0.1:9090')).toBe(false);
    expect(matches(['[::1]:8080'], '[::1]', '[::1]:8080')).toBe(true);
  });

  it('matches subdomains, not the apex, with *.', () => {
    expect(matches(['*.example.com'], 'api.example.com')).toBe(true);
    expect(matches(['*.example.com'], 'a.b.example.com')).toBe(true);
    expect(matches(['*.example.com'], 'example.com')).toBe(false);
    expect(matches(['*.example.com'], 'evilexample.com')).toBe(false);
  });

  it('tests RegExps against name[:port], ignoring g and y flags', () => {
    const hosts = [/^api\.example\.com$/g];
    expect(matches(hosts, 'api.example.com')).toBe(true);
    expect(matches(hosts, 'api.example.com')).toBe(true);
    expect(matches(hosts, 'api.example.com', 'api.example.com:81')).toBe(false);
  });

  it('an empty list signs nothing', () => {
    expect(matches([], 'a1.execute-api.eu-west-2.amazonaws.com')).toBe(false);
  });

  it.each([['https://api.example.com'], ['api.example.com/path'], [''], ['*']])(
    'refuses the pattern %p with a ConfigurationError',
    (pattern) => {
      expect(() => createHostMatcher([pattern])).toThrow(ConfigurationError);
    },
  );

  it('refuses entries that are neither strings nor RegExps', () => {
    expect(() => createHostMatcher([42 as unknown as string])).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIGURATION' }),
    );
  });
});
