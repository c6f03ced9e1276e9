import { toFormData } from 'axios';
import type { AxiosRequestConfig } from 'axios';

import { ConfigurationError } from '../errors';
import { PRESIGN_QUERY_PARAMS, parseQuery, toWirePath } from '../signing/uri';
import type { QueryPairs } from '../signing/uri';

/** The request's target as it will be sent: everything of the URL but the query, and the query. */
export interface RequestTarget {
  url: URL;
  /** The path as it goes on the wire. */
  path: string;
  /** Decoded query pairs, the URL's own first, then `params`; presign parameters removed. */
  query: QueryPairs;
}

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** `baseURL` and `url` joined as axios joins them (`buildFullPath` + `combineURLs`). */
function fullPath(config: AxiosRequestConfig): string {
  const url = config.url ?? '';
  const { baseURL } = config;
  if (baseURL && (!ABSOLUTE_URL.test(url) || config.allowAbsoluteUrls === false)) {
    if (!url) return baseURL;
    return `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  }
  return url;
}

/** `params` as decoded pairs, with the user's `paramsSerializer` or axios's own rules. */
function paramsToPairs(config: AxiosRequestConfig): QueryPairs {
  const params: unknown = config.params;
  const { paramsSerializer } = config;
  if (params === undefined || params === null || params === '') return [];
  const serialize =
    typeof paramsSerializer === 'function' ? paramsSerializer : paramsSerializer?.serialize;
  if (serialize) {
    const options = typeof paramsSerializer === 'object' ? paramsSerializer : {};
    return parseQuery(String(serialize(params as Record<string, unknown>, options)));
  }
  if (params instanceof URLSearchParams) return [...params];
  // A primitive is taken as a query string, as a paramsSerializer's output would be.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (typeof params !== 'object') return parseQuery(String(params));
  // axios's own flattening (arrays as `key[]`, nested objects as `a[b]`, Dates as ISO strings,
  // null and undefined dropped), so `params` mean what they mean without apig-signer. Only the
  // encoding differs: ours is RFC 3986, so a space is %20 and never `+`.
  const pairs: QueryPairs = [];
  const collector = {
    append(name: string, value: unknown) {
      pairs.push([String(name), String(value)]);
    },
  };
  const options = typeof paramsSerializer === 'object' ? { ...paramsSerializer } : {};
  toFormData(params, collector, options);
  return pairs;
}

/**
 * Resolves the URL axios would request, and the query in a form that reads the same to every
 * server: the URL's own query, then `params`.
 *
 * @throws ConfigurationError `ERR_RELATIVE_URL` or `ERR_INVALID_URL`.
 */
export function resolveTarget(config: AxiosRequestConfig): RequestTarget {
  const raw = fullPath(config);
  // Browsers resolve a relative URL against the page, as axios's browser adapters do.
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  if (!ABSOLUTE_URL.test(raw) && base === undefined) {
    throw new ConfigurationError(
      'ERR_RELATIVE_URL',
      `Cannot sign the relative URL "${raw.split('?')[0] ?? ''}": set \`baseURL\` or use an absolute URL.`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch (error) {
    throw new ConfigurationError(
      'ERR_INVALID_URL',
      `Cannot sign a request to "${raw.split('?')[0] ?? ''}": it is not a valid URL.`,
      { cause: error },
    );
  }
  const query = [...parseQuery(url.search), ...paramsToPairs(config)].filter(
    ([name]) => !PRESIGN_QUERY_PARAMS.has(name.toLowerCase()),
  );
  return { url, path: toWirePath(url.pathname), query };
}
