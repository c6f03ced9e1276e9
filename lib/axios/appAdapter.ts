import { getAdapter } from 'axios';
import type { AxiosAdapter, InternalAxiosRequestConfig } from 'axios';

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
      // axios 1.6 has no fetch adapter: it throws "Unknown adapter".
      known = Boolean(getAdapter(name, config));
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

/** The app's adapter, as axios would pick it for `option`. */
export interface AppAdapter {
  adapter: AxiosAdapter;
  /** Its name when it is one of axios's own (`http`, `fetch`, `xhr`). */
  name: string | undefined;
}

/** The adapter axios would pick for `option`, and its name when it is one of axios's own. */
export function appAdapter(option: AdapterOption, config: InternalAxiosRequestConfig): AppAdapter {
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
