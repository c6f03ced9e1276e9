import { cognitoEndpoints, routeCognitoCalls } from '../../cli/src/cognitoProxy';
import { proxyForUrl } from '../../lib/cognito/nodeProxy';

/**
 * The proxy variables the CLI leaves for the library's Cognito client: whatever the library
 * reads from them must be the choice the CLI's curl rules make.
 */
const AWS = cognitoEndpoints({ userPoolId: 'eu-west-1_abc', endpoint: undefined });

function route(
  options: { proxy?: string; noProxy?: string },
  env: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const libraryEnv: NodeJS.ProcessEnv = { ...env, PATH: '/bin' };
  routeCognitoCalls(AWS, { proxy: options.proxy, noProxy: options.noProxy }, env, libraryEnv);
  return libraryEnv;
}

const chosen = (libraryEnv: NodeJS.ProcessEnv) => AWS.map((url) => proxyForUrl(url, libraryEnv));

describe('routeCognitoCalls', () => {
  it('names both AWS endpoints of the pool region', () => {
    expect(AWS).toEqual([
      'https://cognito-idp.eu-west-1.amazonaws.com/',
      'https://cognito-identity.eu-west-1.amazonaws.com/',
    ]);
  });

  it('-x wins over HTTPS_PROXY, and a proxy without a scheme is http:// (curl), not https://', () => {
    const libraryEnv = route({ proxy: 'proxy.corp:3128' }, { HTTPS_PROXY: 'other:8080' });
    expect(chosen(libraryEnv)).toEqual(['http://proxy.corp:3128/', 'http://proxy.corp:3128/']);
    expect(libraryEnv['HTTPS_PROXY']).toBeUndefined();
    expect(libraryEnv['PATH']).toBe('/bin');
  });

  it('HTTPS_PROXY without a scheme is http:// for the library too', () => {
    expect(chosen(route({}, { HTTPS_PROXY: 'proxy.corp:3128' }))).toEqual([
      'http://proxy.corp:3128/',
      'http://proxy.corp:3128/',
    ]);
  });

  it('NO_PROXY by the CLI rule (a domain covers its subdomains): only that endpoint goes direct', () => {
    const libraryEnv = route(
      {},
      { https_proxy: 'http://proxy.corp:3128', NO_PROXY: 'cognito-idp.eu-west-1.amazonaws.com' },
    );
    expect(chosen(libraryEnv)).toEqual([undefined, 'http://proxy.corp:3128/']);
    expect(chosen(route({ noProxy: 'amazonaws.com' }, { HTTPS_PROXY: 'p:1' }))).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('no proxy anywhere: the library sends directly, whatever variables it had', () => {
    const libraryEnv: NodeJS.ProcessEnv = { https_proxy: 'http://stale:1' };
    routeCognitoCalls(AWS, { proxy: undefined, noProxy: undefined }, {}, libraryEnv);
    expect(chosen(libraryEnv)).toEqual([undefined, undefined]);
  });

  it('refuses a proxy that is not http:// before anything is sent', () => {
    expect(() => route({ proxy: 'socks5://p:1080' }, {})).toThrow(/give an http:\/\/ proxy/);
  });
});
