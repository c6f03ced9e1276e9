import type { AxiosAdapter, InternalAxiosRequestConfig } from 'axios';

type AdapterOption = InternalAxiosRequestConfig['adapter'];

/**
 * The config key under which the interceptor marks a request for its signer. A class instance,
 * not a plain object: axios's `mergeConfig` keeps it by reference when a config is sent again
 * (axios-retry), and the copy of the config axios dispatches keeps own properties.
 */
const MARK = '__apigSignerMark';

/** What the request interceptor leaves on a config: which signer signs it, through which adapter. */
export class Mark {
  constructor(
    /** The signer that marked the config (its state), so another signer's mark is left alone. */
    readonly signer: object,
    /** That signer's dispatcher, which the interceptor put in `config.adapter`. */
    readonly dispatcher: AxiosAdapter,
    /** The adapter the app named, which the dispatcher sends through. */
    readonly adapter: AdapterOption,
  ) {}

  /** Nothing of a mark is worth showing when a config is logged. */
  toJSON(): Record<string, never> {
    return {};
  }
}

type WithMark = InternalAxiosRequestConfig & { [MARK]?: unknown };

/** The mark a signer left on a config, if any. */
export function markOf(config: InternalAxiosRequestConfig): Mark | undefined {
  const mark = (config as WithMark)[MARK];
  return mark instanceof Mark ? mark : undefined;
}

export function setMark(config: InternalAxiosRequestConfig, mark: Mark): void {
  (config as WithMark)[MARK] = mark;
}

/** Every signer's dispatcher, so that a config marked twice keeps the adapter the app named. */
const dispatchers = new WeakSet<AxiosAdapter>();

export const isDispatcher = (adapter: unknown): boolean =>
  typeof adapter === 'function' && dispatchers.has(adapter as AxiosAdapter);

export function registerDispatcher(dispatcher: AxiosAdapter): void {
  dispatchers.add(dispatcher);
}

/**
 * A `transformRequest` step, appended to the app's own chain, that puts the dispatcher back in
 * front of an adapter set after the interceptor ran (by an interceptor that runs later): axios
 * runs `transformRequest` after every interceptor and just before it picks the adapter, on the
 * config it dispatches. The adapter set later is the one the dispatcher then sends through. The
 * body is returned as it is.
 */
export function keepDispatcherInFront(this: InternalAxiosRequestConfig, data: unknown): unknown {
  const { adapter } = this;
  if (!isDispatcher(adapter)) {
    const mark = markOf(this);
    if (mark !== undefined) {
      setMark(this, new Mark(mark.signer, mark.dispatcher, adapter));
      this.adapter = mark.dispatcher;
    }
  }
  return data;
}
