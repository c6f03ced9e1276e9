/**
 * docs/credentials.md's error table, row by row, against what the code raises: the class, the
 * code, `tryNextLink`, and whether it is thrown at once or as a rejected promise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import axios from 'axios';

import {
  apigSigner,
  chain,
  ConfigurationError,
  CredentialsError,
  fromEnv,
  fromStatic,
  memoize,
  signRequest,
} from '../../lib';
import type { CredentialsProvider } from '../../lib';

const DOC = readFileSync(join(__dirname, '../../docs/credentials.md'), 'utf8');

interface Row {
  where: string;
  className: string;
  code: string;
  tryNextLink: string;
}

const rows: Row[] = DOC.slice(DOC.indexOf('## Errors'))
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| where') && !line.includes('---'))
  .map((line) => {
    const [where = '', className = '', code = '', tryNextLink = ''] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim().replaceAll('`', ''));
    return { where, className, code, tryNextLink };
  });

const ENV_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CREDENTIAL_EXPIRATION'];
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
beforeEach(() => {
  for (const name of ENV_NAMES) Reflect.deleteProperty(process.env, name);
});
afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value !== undefined) process.env[name] = value;
  }
});

const KEYS = { accessKeyId: 'AKIDDOCS', secretAccessKey: 'docs-secret' };
const memoized = (strategy: unknown) => memoize(strategy as CredentialsProvider)();

/** How each documented case is provoked: a throw (`sync`) or a rejection (`async`). */
const CASES: Record<string, { sync: () => unknown } | { async: () => Promise<unknown> }> = {
  'fromStatic() with a key missing, empty or not a string, or an invalid expiration': {
    sync: () => fromStatic({ accessKeyId: 'AKIDDOCS', secretAccessKey: '' }),
  },
  'chain() with no strategy or a non-function': { sync: () => chain() },
  'memoize() with a non-function or bad options': {
    sync: () => memoize(KEYS as unknown as CredentialsProvider),
  },
  'fromEnv() when the variables are not set, or in a browser': { async: () => fromEnv()() },
  'fromEnv() when AWS_CREDENTIAL_EXPIRATION is not a date': {
    async: () => {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'AKIDDOCS',
        AWS_SECRET_ACCESS_KEY: 'docs-secret',
        AWS_CREDENTIAL_EXPIRATION: 'tomorrow',
      });
      return fromEnv()();
    },
  },
  'chain() when every strategy passed': { async: () => chain(fromEnv())() },
  'any strategy resolving to the wrong shape': {
    async: () => memoized(() => Promise.resolve({ accessKeyId: 'AKIDDOCS' })),
  },
  'signRequest()/presignUrl() with credentials already past expiration at signing': {
    async: () =>
      signRequest({
        url: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes',
        credentials: () => Promise.resolve({ ...KEYS, expiration: new Date(0) }),
      }),
  },
  'any strategy throwing something that is not an ApigSignerError (kept as cause)': {
    async: () => memoized(() => Promise.reject(new Error('down'))),
  },
  'a strategy that does not answer within credentialsTimeoutMs': {
    async: () => {
      const api = axios.create({
        baseURL: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod',
        adapter: () => Promise.reject(new Error('the request was sent')),
      });
      api.interceptors.request.use(
        apigSigner({
          credentials: () => new Promise(() => undefined),
          credentialsTimeoutMs: 20,
        }),
      );
      return api.get('/notes');
    },
  },
};

const CLASSES = { ConfigurationError, CredentialsError } as const;

describe('docs/credentials.md error table', () => {
  it('documents every case this test provokes, and no other', () => {
    expect(rows.map((row) => row.where).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(rows)('$where: $className $code', async (row) => {
    const provoke = CASES[row.where];
    if (provoke === undefined) throw new Error(`no case for the row "${row.where}"`);
    let error: unknown;
    if ('sync' in provoke) {
      // ConfigurationError rows: thrown by the call itself, not a rejected promise.
      expect(row.className).toBe('ConfigurationError');
      try {
        provoke.sync();
      } catch (thrown) {
        error = thrown;
      }
    } else {
      expect(row.className).toBe('CredentialsError');
      error = await provoke.async().then(
        () => undefined,
        (rejected: unknown) => rejected,
      );
    }
    expect(error).toBeInstanceOf(CLASSES[row.className as keyof typeof CLASSES]);
    expect(error).toHaveProperty('code', row.code);
    if (row.tryNextLink !== '') {
      expect(error).toHaveProperty('tryNextLink', row.tryNextLink === 'true');
    }
  });
});
