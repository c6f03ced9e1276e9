import { fromBase64, fromUtf8 } from './bytes';

/** The claims of a Cognito token this library reads; the signature is Cognito's to check. */
export interface TokenClaims {
  /** Issued at, in seconds since the epoch. */
  iat?: number;
  /** Expires at, in seconds since the epoch. */
  exp?: number;
  /** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`. */
  iss?: string;
  /** The app client, in an ID token. */
  aud?: string;
  /** The app client, in an access token. */
  client_id?: string;
  token_use?: string;
  /** The user's name in the pool (not an alias such as the email signed in with). */
  'cognito:username'?: string;
}

/** The payload of a JWT, or `undefined` when it is not one. Never throws. */
export function claimsOf(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(fromUtf8(fromBase64(payload)));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A claim that is a number, or `fallback`. */
export function numberClaim(claims: TokenClaims | undefined, name: 'iat' | 'exp'): number {
  const value = claims?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Why these tokens are not the configured pool's and client's (their `iss` and `aud` /
 * `client_id`), in words for an error, or `undefined` when they are.
 */
export function foreignTokens(
  idToken: string,
  accessToken: string,
  userPoolId: string,
  clientId: string,
): string | undefined {
  const id = claimsOf(idToken);
  const access = claimsOf(accessToken);
  for (const claims of [id, access]) {
    const issuer = claims?.iss;
    if (typeof issuer === 'string' && !issuer.endsWith(`/${userPoolId}`)) {
      return `they were issued by ${issuer}, not by user pool ${userPoolId}`;
    }
  }
  const audience = id?.aud ?? access?.client_id;
  if (typeof audience === 'string' && audience !== clientId) {
    return `they were issued to app client ${audience}, not ${clientId}`;
  }
  return undefined;
}

/**
 * The name the pool knows the user by, from the ID token (`cognito:username`), else `fallback`:
 * what a refresh's `SECRET_HASH` is computed with, even when the user signed in with an alias.
 */
export function poolUsername(idToken: string, fallback: string): string {
  const name = claimsOf(idToken)?.['cognito:username'];
  return typeof name === 'string' && name !== '' ? name : fallback;
}
