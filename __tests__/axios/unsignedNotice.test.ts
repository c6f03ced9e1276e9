import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import axios from 'axios';
import type { AxiosAdapter, AxiosRequestConfig, InternalAxiosRequestConfig } from 'axios';

import { apigSigner } from '../../lib';
import type { ApigSignerOptions } from '../../lib';
import { TEST_KEYS } from '../helpers/setup';

/** An axios instance with the signer whose adapter records what would have been sent. */
function app(options: ApigSignerOptions) {
  const sent: InternalAxiosRequestConfig[] = [];
  const adapter: AxiosAdapter = (config) => {
    sent.push(config);
    return Promise.resolve({ data: '', status: 200, statusText: 'OK', headers: {}, config });
  };
  const api = axios.create({ adapter });
  api.interceptors.request.use(apigSigner({ credentials: TEST_KEYS, ...options }));
  return { api, sent };
}

describe('a request that goes out unsigned by mistake', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('with `region` set and no `hosts`: one warning per signer, naming the host and the fix', async () => {
    const { api, sent } = app({ region: 'eu-west-2' });

    await api.get('https://api.example.com/prod/notes?token=secret-in-query');
    await api.post('https://api.example.com/prod/notes', { content: 'x' });

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      'apig-signer: GET https://api.example.com/prod/notes went out unsigned: api.example.com is not in `hosts` (default: AWS endpoints only): add it to `hosts` in apigSigner() options. Said once per signer; `debug` hears of every unsigned request.',
    );
    // Told, not changed: both requests went out as they were, unsigned.
    expect(sent.map((c) => c.headers.has('authorization'))).toEqual([false, false]);
  });

  it('with `service` set and no `hosts`, too', async () => {
    const { api } = app({ service: 'execute-api' });
    await api.get('https://api.example.com/prod/notes');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('each signer speaks once for itself', async () => {
    await app({ region: 'eu-west-2' }).api.get('https://api.example.com/a');
    await app({ region: 'eu-west-2' }).api.get('https://api.example.com/b');
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('with `hosts` given: a listed host name on another port is named', async () => {
    const { api, sent } = app({ hosts: ['127.0.0.1:8080'], region: 'eu-west-2' });

    await api.get('http://127.0.0.1:3000/prod/notes');

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain('GET http://127.0.0.1:3000/prod/notes');
    expect(warn.mock.calls[0]?.[0]).toContain('127.0.0.1:3000 is not in `hosts`');
    expect(sent[0]?.headers.has('authorization')).toBe(false);
  });

  it('with `hosts` given as host:443: plain http to that host is named', async () => {
    const { api } = app({ hosts: ['api.example.com:443'], region: 'eu-west-2' });
    await api.get('http://api.example.com/prod/notes');
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('requests meant to pass through stay silent', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  // Four items in every row: with three, jest would pass its `done` callback as the fourth.
  it.each<[string, ApigSignerOptions, string, AxiosRequestConfig]>([
    ['no `hosts`, no region: another API on the same instance', {}, 'https://api.github.com/', {}],
    [
      '`hosts` given: a host not listed at all',
      { hosts: ['127.0.0.1:8080'], region: 'eu-west-2' },
      'https://api.github.com/',
      {},
    ],
    [
      '`hosts` given as a wildcard: another domain',
      { hosts: ['*.example.com'], region: 'eu-west-2' },
      'https://example.org/',
      {},
    ],
    [
      'the request says `apigSigner: { sign: false }`',
      { region: 'eu-west-2' },
      'https://api.example.com/',
      { apigSigner: { sign: false } },
    ],
    [
      'a signed AWS endpoint request',
      { region: 'eu-west-2' },
      'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes',
      {},
    ],
  ])('%s', async (_name, options, url, config) => {
    const { api, sent } = app(options);
    await api.get(url, config);
    expect(sent).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it('with a `debug` hook: the hook hears of the request, the console does not', async () => {
    const events: unknown[] = [];
    const { api } = app({ region: 'eu-west-2', debug: (event) => events.push(event) });

    await api.get('https://api.example.com/prod/notes');

    expect(warn).not.toHaveBeenCalled();
    expect(events).toEqual([
      expect.objectContaining({ event: 'skipped', reason: 'host-not-allowed' }),
    ]);
  });
});

describe('docs/troubleshooting.md', () => {
  it('shows the warning exactly as the signer prints it', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await app({ region: 'eu-west-2' }).api.get('https://api.example.com/prod/notes');
      const guide = readFileSync(join(__dirname, '../../docs/troubleshooting.md'), 'utf8');
      const shown = /## Warning: `apig-signer: … went out unsigned`[\s\S]*?```text\n(.*)\n```/.exec(
        guide,
      )?.[1];
      expect(shown).toBe(warn.mock.calls[0]?.[0]);
    } finally {
      warn.mockRestore();
    }
  });
});
