import { getAdapter } from 'axios';
import type { AxiosAdapter, AxiosPromise, InternalAxiosRequestConfig } from 'axios';

import { SigningError } from '../errors';
import { PRESIGN_QUERY_PARAMS } from '../signing/uri';
import { resolveTarget } from './canonicalize';
import { followFetchRedirects } from './fetchRedirects';
import type { Resign } from './fetchRedirects';
import { hostKey, redirectHook } from './redirectGuard';
import type { RedirectHook } from './redirectGuard';
import { signedRecordOf } from './signedRecord';
import type { SignedRecord } from './signedRecord';

type AdapterOption = InternalAxiosRequestConfig['adapter'];
type AdapterEntry = Exclude<NonNullable<AdapterOption>, unknown[]>;

/** axios's default order, for a config that names no adapter. */
const DEFAULT_ADAPTERS: AdapterEntry[] = ['xhr', 'http', 'fetch'];

/** Whether this environment supports an adapter name: asked once per name (it throws if not). */
const supported = new Map<string, boolean>();

function isSupported(name: string, config: InternalAxiosRequestConfig): boolean {
  let known = supported.get(name);
  if (known === undefined) {
    try {
      getAdapter(name, config);
      known = true;
    } catch {
      known = false;
    }
    supported.set(name, known);
  }
  return known;
}

/** The fetch adapter axios hands out for the platform's own fetch: looked up once. */
let platformFetchAdapter: AxiosAdapter | undefined;

function isFetchAdapter(adapter: AxiosAdapter, config: InternalAxiosRequestConfig): boolean {
  if (!isSupported('fetch', config)) return false;
  platformFetchAdapter ??= getAdapter('fetch', undefined);
  // A config with its own `env.fetch` gets an adapter of its own.
  return adapter === platformFetchAdapter || adapter === getAdapter('fetch', config);
}

/** The adapter axios would pick for `option`, and its name when it is one of axios's own. */
function pickAdapter(
  option: AdapterOption,
  config: InternalAxiosRequestConfig,
): { adapter: AxiosAdapter; name: string | undefined } {
  const entries =
    option === undefined ? DEFAULT_ADAPTERS : Array.isArray(option) ? option : [option];
  for (const entry of entries) {
    if (typeof entry === 'function') {
      // axios.getAdapter('fetch') hands out the fetch adapter without its name: know it anyway.
      const name =
        (entry as { adapterName?: string }).adapterName ??
        (isFetchAdapter(entry, config) ? 'fetch' : undefined);
      return { adapter: entry, name };
    }
    const name = String(entry).toLowerCase();
    if (isSupported(name, config)) return { adapter: getAdapter(name, config), name };
  }
  // Let axios raise its own "no suitable adapter" error.
  return { adapter: getAdapter(entries, config), name: undefined };
}

/**
 * Node, Bun and Deno hand a manual redirect's 3xx (with `Location`) to the caller; browsers give
 * an opaque answer without it, so there the platform's own following is left alone. Read once:
 * the runtime does not change under a running program.
 */
const runtime = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
const SERVER_RUNTIME = runtime.process?.versions?.node !== undefined || runtime.Deno !== undefined;

/** Throws unless axios is about to send to exactly the URL that was signed. */
function assertUnchanged(config: InternalAxiosRequestConfig, record: SignedRecord): void {
  // The signer left an absolute URL, no params and `allowAbsoluteUrls`: the common case is one
  // string comparison. Otherwise rebuild the URL as axios will and compare that.
  if (config.url === record.url && config.params == null && config.allowAbsoluteUrls !== false) {
    return;
  }
  let sent: string;
  try {
    const target = resolveTarget(config);
    const query = target.query.map(([n, v]) => `${n}=${v}`).join('&');
    sent = `${target.url.protocol}//${target.url.host}${target.path}${query ? `?${query}` : ''}`;
  } catch {
    sent = '(a URL that cannot be parsed)';
  }
  const signed = new URL(record.url);
  // resolveTarget() leaves out the presign parameters (query signing): compare without them.
  const signedQuery = [...signed.searchParams]
    .filter(([n]) => !PRESIGN_QUERY_PARAMS.has(n.toLowerCase()))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
  const expected = `${signed.protocol}//${signed.host}${signed.pathname}${signedQuery ? `?${signedQuery}` : ''}`;
  if (sent === expected) return;
  const where = sent.startsWith(`${record.origin}/`) ? 'path or query' : 'host';
  throw new SigningError(
    'ERR_REQUEST_CHANGED',
    `The request to ${record.origin} was changed after it was signed (its ${where} now differs), so it was not sent: a request interceptor registered before apigSigner runs after it. Register apigSigner last, or make that interceptor leave \`url\`, \`baseURL\` and \`params\` alone.`,
  );
}

/** Marks the guards, so that a config signed again keeps the adapter it first named. */
const guards = new WeakSet<AxiosAdapter>();

/** Whether `adapter` is a signer's dispatch guard. */
export const isDispatchGuard = (adapter: unknown): boolean =>
  typeof adapter === 'function' && guards.has(adapter as AxiosAdapter);

/**
 * The signer's dispatch guard: an adapter that stands in front of the one the config names. The
 * adapter is the last place that sees the request before bytes leave, after every request
 * interceptor, so this is where the signer checks that nothing changed where the request goes.
 *
 * What it does:
 * - refuses (`ERR_REQUEST_CHANGED`, nothing sent) a signed request whose URL was changed after
 *   signing, by an interceptor registered before the signer or any other code;
 * - puts the signer's redirect hook back in front of a `beforeRedirect` set after signing;
 * - stays in front when an interceptor sets `config.adapter` after signing: a
 *   `transformRequest` step puts the guard back, and it sends through the adapter set;
 * - with axios's fetch adapter in Node, Bun and Deno, follows redirects itself so that signer
 *   headers never reach another origin (see `followFetchRedirects`), unless the caller set
 *   `fetchOptions.redirect` or `maxRedirects: 0`.
 *
 * What it never does: change a request that no signer of this state signed.
 */
export function createDispatchGuard(signer: object, resign: Resign): AxiosAdapter {
  const guard: AxiosAdapter = async (config: InternalAxiosRequestConfig): AxiosPromise => {
    const record = signedRecordOf(config);
    // An adapter set after signing is sent through (never another guard: that would loop).
    const later = record?.adapterSetLater;
    const option = later !== undefined && !isDispatchGuard(later) ? later : record?.adapter;
    const { adapter, name } = pickAdapter(option, config);
    if (record === undefined || record.signer !== signer) return adapter(config);
    assertUnchanged(config, record);
    // An interceptor that ran after the signer may have put its own redirect hook in place of
    // the signer's: keep theirs, behind ours, so signer headers still never follow a redirect away.
    const hook = config.beforeRedirect as Partial<RedirectHook> | undefined;
    if (hook === undefined || !('userHook' in hook)) {
      const origin = new URL(record.origin);
      config.beforeRedirect = redirectHook(
        hostKey(origin.protocol, origin.hostname, origin.port),
        hook,
      ) as NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;
    }
    const fetchOptions = config.fetchOptions as { redirect?: unknown } | undefined;
    if (
      name === 'fetch' &&
      fetchOptions?.redirect === undefined &&
      config.maxRedirects !== 0 &&
      SERVER_RUNTIME
    ) {
      return followFetchRedirects(adapter, config, record, resign);
    }
    return adapter(config);
  };
  guards.add(guard);
  return guard;
}
