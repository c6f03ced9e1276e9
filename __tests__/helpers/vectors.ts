import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The official AWS SigV4 test vectors (aws-c-auth), vendored with their LICENSE and NOTICE. */
export const VECTORS_DIR = join(__dirname, '..', 'fixtures', 'aws-c-auth-v4');

export interface VectorContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

export interface Vector {
  name: string;
  context: VectorContext;
  read(file: string): string;
}

export function loadVectors(): Vector[] {
  return readdirSync(VECTORS_DIR)
    .filter((name) => statSync(join(VECTORS_DIR, name)).isDirectory())
    .sort()
    .map((name) => ({
      name,
      context: JSON.parse(
        readFileSync(join(VECTORS_DIR, name, 'context.json'), 'utf8'),
      ) as VectorContext,
      read: (file: string) => readFileSync(join(VECTORS_DIR, name, file), 'utf8'),
    }));
}

/** A vector's request text as bytes on the wire: CRLF line ends, the body after a blank line. */
export function toWire(text: string, extraHeaders: string[] = []): Buffer {
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text.replace(/\n$/, '') : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 2);
  const lines = [...head.split('\n'), ...extraHeaders];
  return Buffer.concat([
    Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'),
    Buffer.from(body, 'utf8'),
  ]);
}
