import { headerValues } from './rawRequest';

/**
 * API Gateway's CORS allow-list when CORS is enabled with its defaults; what
 * `startSigV4Gateway({ cors: true })` answers preflights with.
 *
 * @example
 * ```ts
 * import { API_GATEWAY_CORS_HEADERS, startSigV4Gateway } from 'apig-signer/testing';
 *
 * const gateway = await startSigV4Gateway({
 *   cors: { allowHeaders: [...API_GATEWAY_CORS_HEADERS, 'X-Amz-Content-Sha256'] },
 * });
 * ```
 */
export const API_GATEWAY_CORS_HEADERS: ReadonlyArray<string> = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
];

/** The methods API Gateway's "Enable CORS" allows. */
const ALLOWED_METHODS = 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT';

/** What the gateway answers browsers with, once CORS is enabled. */
export interface CorsPolicy {
  allowOrigin: string;
  allowHeaders: ReadonlyArray<string>;
  exposeHeaders: ReadonlyArray<string>;
}

export function corsPolicyOf(
  option:
    | boolean
    | {
        allowOrigin?: string;
        allowHeaders?: ReadonlyArray<string>;
        exposeHeaders?: ReadonlyArray<string>;
      }
    | undefined,
): CorsPolicy | undefined {
  if (option === undefined || option === false) return undefined;
  const given = option === true ? {} : option;
  return {
    allowOrigin: given.allowOrigin ?? '*',
    allowHeaders: given.allowHeaders ?? API_GATEWAY_CORS_HEADERS,
    exposeHeaders: given.exposeHeaders ?? [],
  };
}

/**
 * A preflight: `OPTIONS` with `Access-Control-Request-Method`. API Gateway answers it from the
 * OPTIONS mock integration, before (and without) IAM auth.
 */
export function isPreflight(
  policy: CorsPolicy | undefined,
  method: string,
  headers: ReadonlyArray<readonly [string, string]>,
): policy is CorsPolicy {
  return (
    policy !== undefined &&
    method === 'OPTIONS' &&
    headerValues(headers, 'access-control-request-method').length > 0
  );
}

export function preflightHeaders(policy: CorsPolicy): Record<string, string> {
  return {
    ...corsHeaders(policy),
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': policy.allowHeaders.join(','),
  };
}

/** Added to every other response, refusals included (browsers hide the answer without it). */
export function corsHeaders(policy: CorsPolicy | undefined): Record<string, string> {
  if (policy === undefined) return {};
  return {
    'Access-Control-Allow-Origin': policy.allowOrigin,
    ...(policy.exposeHeaders.length === 0
      ? {}
      : { 'Access-Control-Expose-Headers': policy.exposeHeaders.join(',') }),
  };
}
