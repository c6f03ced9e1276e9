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
 * A `transformRequest` step that puts `guard` back in front of an adapter set after signing (by
 * an interceptor that runs after the signer). axios runs `transformRequest` after every request
 * interceptor and just before it picks the adapter, on the config it then dispatches; the
 * adapter set later is kept on the record, for the guard to send through. It returns the body
 * as it is: the signer has already run the caller's own transformers.
 */
export function keepGuardInFront(
  guard: NonNullable<AdapterOption>,
): (this: InternalAxiosRequestConfig, data: unknown) => unknown {
  return function keepGuard(this: InternalAxiosRequestConfig, data: unknown): unknown {
    const { adapter } = this;
    if (adapter !== guard) {
      const record = signedRecordOf(this);
      if (record !== undefined) {
        record.adapterSetLater = adapter;
        this.adapter = guard;
      }
    }
    return data;
  };
}

/** The record a signer left on a config, if any. */
export function signedRecordOf(config: InternalAxiosRequestConfig): SignedRecord | undefined {
  const record = (config as WithRecord)[SIGNED_RECORD];
  return record instanceof SignedRecord ? record : undefined;
}

export function setSignedRecord(config: InternalAxiosRequestConfig, record: SignedRecord): void {
  (config as WithRecord)[SIGNED_RECORD] = record;
}
