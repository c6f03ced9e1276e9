import type { InternalAxiosRequestConfig } from 'axios';

import type { Credentials } from '../credentials/types';

/**
 * The config key under which the interceptor leaves what it signed. A class instance, not a plain
 * object: axios's `mergeConfig` keeps it by reference when a request is sent again (recovery,
 * axios-retry), and its dispatch copy of the config keeps own properties.
 */
export const SIGNED_RECORD = '__apigSignerSigned';

type AdapterOption = InternalAxiosRequestConfig['adapter'];

/**
 * The credentials each record was signed with, kept off the record itself so that logging a
 * config (`console.log(error.config)`) never shows them.
 */
const signedWith = new WeakMap<SignedRecord, Credentials>();

/** What one signer signed for one request: read by the dispatch guard and by recovery. */
export class SignedRecord {
  constructor(
    /** The signer that signed (its state object), so another signer's record is left alone. */
    readonly signer: object,
    /** The URL as signed and written to `config.url`. */
    readonly url: string,
    /** `protocol//host` of that URL. */
    readonly origin: string,
    credentials: Credentials,
    /** Whether the body can be sent again byte for byte (false for streams). */
    readonly replayable: boolean,
    /** The adapter the config named before the signer put its guard in front of it. */
    readonly adapter: AdapterOption,
  ) {
    signedWith.set(this, credentials);
  }

  /**
   * An adapter set on the config after signing (by an interceptor that runs after the signer):
   * the guard stays in front and sends through it.
   */
  adapterSetLater: AdapterOption;

  /** The credentials the signature was made with. */
  get credentials(): Credentials | undefined {
    return signedWith.get(this);
  }

  /** Never show credentials when a config is logged. */
  toJSON(): { url: string } {
    return { url: this.url };
  }
}

type WithRecord = InternalAxiosRequestConfig & { [SIGNED_RECORD]?: unknown };

/**
 * Puts `guard` on the config as its adapter so that it stays there: a later `config.adapter = x`
 * is kept on the record, for the guard to send through, instead of taking the guard's place.
 */
export function installGuard(
  config: InternalAxiosRequestConfig,
  record: SignedRecord,
  guard: NonNullable<AdapterOption>,
): void {
  Object.defineProperty(config, 'adapter', {
    configurable: true,
    enumerable: true,
    get: () => guard,
    set: (adapter: AdapterOption) => {
      if (adapter !== guard) record.adapterSetLater = adapter;
    },
  });
}

/** The record a signer left on a config, if any. */
export function signedRecordOf(config: InternalAxiosRequestConfig): SignedRecord | undefined {
  const record = (config as WithRecord)[SIGNED_RECORD];
  return record instanceof SignedRecord ? record : undefined;
}

export function setSignedRecord(config: InternalAxiosRequestConfig, record: SignedRecord): void {
  (config as WithRecord)[SIGNED_RECORD] = record;
}
