import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import type { FaultQueue } from './faults';
import { ServiceError } from './serviceError';
import type { EmulatorCall } from './types';
import type { Operation } from './context';

/** The two services behind one endpoint, told apart by the `X-Amz-Target` prefix. */
export interface Services {
  AWSCognitoIdentityProviderService: Record<string, Operation>;
  AWSCognitoIdentityService: Record<string, Operation>;
}

/** The HTTP face of the emulator, and how to stop the calls it holds back. */
export interface EmulatorServer {
  server: Server;
  /** Ends every call a fault is holding back (a delay, a stall). */
  release(): void;
}

const SERVICE_OF = {
  AWSCognitoIdentityProviderService: 'cognito-idp',
  AWSCognitoIdentityService: 'cognito-identity',
} as const;

/**
 * Speaks the AWS JSON 1.1 protocol: `POST /` with `X-Amz-Target: {Service}.{Operation}` and a
 * JSON body; errors as `{ __type, message }` with `x-amzn-ErrorType`. For each call: CORS
 * preflight, parse, record, injected fault, then the operation's handler.
 */
export function createEmulatorServer(
  services: Services,
  faults: FaultQueue,
  calls: EmulatorCall[],
): EmulatorServer {
  const held = new Set<{ timer: NodeJS.Timeout | undefined; res: ServerResponse }>();

  function hold(res: ServerResponse, delayMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const entry = { timer: undefined as NodeJS.Timeout | undefined, res };
      held.add(entry);
      const done = (answered: boolean) => {
        held.delete(entry);
        clearTimeout(entry.timer);
        resolve(answered);
      };
      if (Number.isFinite(delayMs))
        entry.timer = setTimeout(() => {
          done(true);
        }, delayMs);
      res.once('close', () => {
        done(false);
      });
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Expose-Headers': 'x-amzn-ErrorType, x-amzn-RequestId',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix = '', operation = ''] = target.split('.');
    const serviceName =
      prefix === 'AWSCognitoIdentityService' ? prefix : 'AWSCognitoIdentityProviderService';
    const service = SERVICE_OF[serviceName];
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8') || '{}');
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // answered below as a serialization error
    }
    const detail = (body?.['AuthFlow'] ?? body?.['ChallengeName']) as string | undefined;
    const record = (status: number) => {
      calls.push({ service, operation, ...(detail === undefined ? {} : { detail }), status });
    };
    const respond = (status: number, payload: unknown, errorType?: string) => {
      record(status);
      res.writeHead(status, {
        ...cors,
        'Content-Type': 'application/x-amz-json-1.1',
        'x-amzn-RequestId': randomUUID(),
        ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': `${errorType}:` }),
      });
      res.end(JSON.stringify(payload));
    };

    const fault = faults.take(operation);
    if (fault !== undefined) {
      if (!Number.isFinite(fault.delayMs) || fault.action.kind === 'reset') record(0);
      if (fault.delayMs > 0 && !(await hold(res, fault.delayMs))) return;
      switch (fault.action.kind) {
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case 'malformed':
          record(fault.action.status);
          res.writeHead(fault.action.status, { ...cors, 'Content-Type': 'text/html' });
          res.end('<html><body>502 Bad Gateway</body></html>');
          return;
        case 'error':
          respond(
            fault.action.status,
            { __type: fault.action.type, message: fault.action.message },
            fault.action.type,
          );
          return;
        case 'delay':
          break;
      }
    }
    if (body === undefined) {
      respond(
        400,
        { __type: 'SerializationException', message: 'The body is not a JSON object.' },
        'SerializationException',
      );
      return;
    }
    const handler = services[serviceName][operation];
    if (handler === undefined || !Object.hasOwn(services[serviceName], operation)) {
      respond(
        400,
        { __type: 'UnknownOperationException', message: `Unknown operation ${target}` },
        'UnknownOperationException',
      );
      return;
    }
    try {
      respond(200, await handler(body));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      respond(error.status, { __type: error.type, message: error.message }, error.type);
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        if (res.headersSent) return;
        res.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalErrorException', message: String(error) }));
      });
    });
  });
  return {
    server,
    release() {
      for (const entry of held) {
        clearTimeout(entry.timer);
        entry.res.destroy();
      }
      held.clear();
    },
  };
}
