import axios from 'axios';
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';

import { apigSigner } from '../../lib';
import type { ApigSignerOptions } from '../../lib';
import { startSigV4Gateway } from '../../lib/testing';
import type { GatewayEcho, SigV4Gateway, SigV4GatewayOptions } from '../../lib/testing';

export const TEST_KEYS = {
  accessKeyId: 'AKIDTESTEXAMPLE',
  secretAccessKey: 'test/secret+KEY/EXAMPLE',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/odd=chars',
} as const;

/** Every axios adapter the end-to-end suites run on, whether the loaded axios has it or not. */
export const ALL_ADAPTERS = ['http', 'fetch'] as const;
export type AdapterName = (typeof ALL_ADAPTERS)[number];

/**
 * Whether the loaded axios has `adapter` on this platform. `npm run test:axios` runs the
 * end-to-end suites on every line of the peer range, and axios 1.6 has no fetch adapter.
 */
export function hasAdapter(adapter: AdapterName): boolean {
  try {
    return typeof axios.getAdapter(adapter) === 'function';
  } catch {
    return false;
  }
}

/**
 * The adapters of ALL_ADAPTERS the loaded axios has: for loops and generators that pick one.
 * Suites that run once per adapter use describeEachAdapter/itEachAdapter instead, so that an
 * adapter this axios lacks shows up as skipped tests rather than vanishing.
 */
export const ADAPTERS: readonly AdapterName[] = ALL_ADAPTERS.filter(hasAdapter);

/**
 * `describe` for a block that needs `adapter`: `describe.skip` where the loaded axios lacks it
 * (axios 1.6 and `fetch`), so jest reports its tests as skipped and `npm run test:axios` counts
 * them. With the repository's axios every adapter exists and nothing is skipped.
 */
export function describeWith(adapter: AdapterName): jest.Describe {
  return hasAdapter(adapter) ? describe : describe.skip;
}

/** `it` for a test that needs `adapter`: `it.skip` where the loaded axios lacks it. */
export function itWith(adapter: AdapterName): jest.It {
  return hasAdapter(adapter) ? it : it.skip;
}

/**
 * `describe.each(ALL_ADAPTERS)`, with the block of an adapter the loaded axios lacks skipped
 * (describeWith). `name` formats as in `describe.each` (`%s` is the adapter).
 */
export function describeEachAdapter(name: string, fn: (adapter: AdapterName) => void): void {
  for (const adapter of ALL_ADAPTERS) describeWith(adapter).each([adapter])(name, fn);
}

/**
 * `it.each(ALL_ADAPTERS)`, or `it.each` over `rows` (each row starting with its adapter), with
 * the cases of an adapter the loaded axios lacks skipped (itWith).
 */
export function itEachAdapter<Row extends readonly [AdapterName, ...unknown[]]>(
  rows: readonly Row[],
  name: string,
  fn: (...row: [...Row]) => Promise<void>,
  timeout?: number,
): void {
  for (const row of rows) {
    itWith(row[0]).each([row as unknown as unknown[]])(
      name,
      fn as unknown as (...args: unknown[]) => Promise<void>,
      timeout,
    );
  }
}

/** A gateway that knows TEST_KEYS (with the session token). */
export function startTestGateway(options: SigV4GatewayOptions = {}): Promise<SigV4Gateway> {
  return startSigV4Gateway({ credentials: [{ ...TEST_KEYS }], ...options });
}

/** An axios instance with the real interceptor, pointed at the gateway. */
export function signedClient(
  gateway: SigV4Gateway,
  adapter: AdapterName,
  signer: ApigSignerOptions = {},
  defaults: CreateAxiosDefaults = {},
): AxiosInstance {
  const api = axios.create({ baseURL: `${gateway.url}/prod`, adapter, ...defaults });
  api.interceptors.request.use(
    apigSigner({
      credentials: { ...TEST_KEYS },
      region: 'us-east-1',
      hosts: ['127.0.0.1'],
      ...signer,
    }),
  );
  return api;
}

export const echoOf = (data: unknown): GatewayEcho => data as GatewayEcho;

export const bodyOf = (echo: GatewayEcho): Buffer => Buffer.from(echo.body, 'base64');

/** The value of a received header (first line with that name, any case). */
export function headerOf(echo: GatewayEcho, name: string): string | undefined {
  return echo.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}
