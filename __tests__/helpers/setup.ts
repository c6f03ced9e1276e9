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

export const ADAPTERS = ['http', 'fetch'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

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
