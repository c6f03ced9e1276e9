import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What another origin received: where signer headers must never arrive. */
export interface ReceivedElsewhere {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A server on another origin than the gateway's `127.0.0.1` (it is reached as `localhost`). */
export interface OtherOrigin {
  /** `http://localhost:{port}`. */
  url: string;
  /** Every request it received, in order. */
  received: ReceivedElsewhere[];
  /** Answers by path (`req.url`): status, headers, body. Anything else: 200 `elsewhere`. */
  routes: Record<string, () => [number, Record<string, string>, string]>;
  close(): Promise<void>;
}

export async function startOtherOrigin(): Promise<OtherOrigin> {
  const received: ReceivedElsewhere[] = [];
  const routes: OtherOrigin['routes'] = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const [status, headers, body] = routes[req.url ?? '']?.() ?? [200, {}, 'elsewhere'];
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    received,
    routes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
