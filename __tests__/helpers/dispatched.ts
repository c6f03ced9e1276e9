import type { AxiosAdapter, InternalAxiosRequestConfig } from 'axios';

import type { ApigSignerInterceptor } from '../../lib';

/**
 * Runs a config through the signer as axios would (the interceptor, then its dispatcher in front
 * of the adapter) and returns the config the adapter received: the request as it would be sent.
 * A request the signer leaves alone reaches the adapter as it was.
 */
export async function dispatched(
  interceptor: ApigSignerInterceptor,
  config: InternalAxiosRequestConfig,
): Promise<InternalAxiosRequestConfig> {
  let sent: InternalAxiosRequestConfig | undefined;
  const capture: AxiosAdapter = (received) => {
    sent = received;
    return Promise.resolve({ data: '', status: 200, statusText: 'OK', headers: {}, config });
  };
  const marked = await interceptor({ ...config, adapter: capture });
  await (marked.adapter as AxiosAdapter)(marked);
  return sent!;
}
