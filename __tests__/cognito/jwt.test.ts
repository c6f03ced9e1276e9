import { claimsOf, foreignTokens, poolUsername } from '../../lib/cognito/jwt';

const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const ISSUER = 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Pool';

describe('claimsOf', () => {
  it('reads the payload (base64url, unicode), and never throws on what is not a JWT', () => {
    expect(claimsOf(jwt({ iat: 1, name: 'Zoë ✓' }))).toEqual({ iat: 1, name: 'Zoë ✓' });
    for (const token of ['', 'a', 'a.b', 'a.!!!.c', `a.${btoa('[1')}.c`, `a.${btoa('7')}.c`]) {
      expect(claimsOf(token)).toBeUndefined();
    }
  });
});

describe('foreignTokens', () => {
  const id = (claims: Record<string, unknown>) => jwt({ iss: ISSUER, aud: 'client', ...claims });
  const access = jwt({ iss: ISSUER, client_id: 'client' });
  it("accepts the configured pool's and client's tokens", () => {
    expect(foreignTokens(id({}), access, 'eu-west-2_Pool', 'client')).toBeUndefined();
  });
  it('names another pool or another client', () => {
    expect(foreignTokens(id({}), access, 'eu-west-2_Other', 'client')).toMatch(
      /issued by .*eu-west-2_Pool, not by user pool eu-west-2_Other/,
    );
    expect(foreignTokens(id({ aud: 'someone else' }), access, 'eu-west-2_Pool', 'client')).toMatch(
      /app client someone else, not client/,
    );
  });
});

describe('poolUsername', () => {
  it("is the ID token's cognito:username (not the alias signed in with), else the fallback", () => {
    expect(poolUsername(jwt({ 'cognito:username': 'a1b2-sub' }), 'alice@example.com')).toBe(
      'a1b2-sub',
    );
    expect(poolUsername(jwt({}), 'alice')).toBe('alice');
    expect(poolUsername('not a jwt', 'alice')).toBe('alice');
  });
});
