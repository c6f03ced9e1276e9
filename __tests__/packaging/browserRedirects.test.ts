import { readFileSync } from 'node:fs';

import { build } from 'esbuild';

import * as browser from '../../lib/axios/browserRedirects';
import * as server from '../../lib/axios/serverRedirects';
import type { Call } from '../../lib/axios/call';
import { bundleForBrowser } from '../helpers/browserBundle';

/**
 * Browsers follow redirects themselves, so browser bundles get `browserRedirects` in place of
 * the fetch redirect follower and the http adapter's redirect hook (package.json's `browser`
 * field). Node, Bun and Deno ignore that field and keep the full module.
 */
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  browser?: Record<string, string>;
};

it('maps the built redirect module to its browser stand-in, for both formats', () => {
  expect(manifest.browser).toMatchObject({
    './dist/axios/serverRedirects.mjs': './dist/axios/browserRedirects.mjs',
    './dist/axios/serverRedirects.cjs': './dist/axios/browserRedirects.cjs',
  });
  const tsup = readFileSync('tsup.config.ts', 'utf8');
  expect(tsup).toContain("'axios/serverRedirects': 'lib/axios/serverRedirects.ts'");
  expect(tsup).toContain("'axios/browserRedirects': 'lib/axios/browserRedirects.ts'");
});

it('gives browsers the same export names, so bundlers find every name', () => {
  expect(Object.keys(browser).sort()).toEqual(Object.keys(server).sort());
});

const fetchCall = { app: { name: 'fetch' } } as unknown as Call;

it('follows fetch redirects itself only in the full module (this is Node)', () => {
  expect(server.followsRedirects(fetchCall)).toBe(true);
  expect(browser.followsRedirects(fetchCall)).toBe(false);
});

it('in browsers leaves each call and the caller’s beforeRedirect as they are', () => {
  const next = jest.fn();
  expect(browser.followRedirects(next, {} as never)).toBe(next);
  const userHook = (): void => undefined;
  expect(browser.redirectHook('https://a:443', userHook)).toBe(userHook);
  expect(browser.redirectHook('https://a:443', undefined)).toBeUndefined();
  // The full module wraps the hook: it strips signer headers from a redirect away.
  const headers: Record<string, unknown> = { 'X-Amz-Security-Token': 't', Accept: '*/*' };
  server.redirectHook(
    server.hostKey('https:', 'a.example.com', ''),
    userHook,
  )({
    protocol: 'https:',
    hostname: 'b.example.com',
    headers,
  });
  expect(headers).toEqual({ Accept: '*/*' });
});

it('leaves the follower out of browser bundles, and keeps it in Node ones', async () => {
  const entry = "export { apigSigner } from './lib/index.ts';";
  const follower = 'answered with a redirect that apig-signer does not follow';
  const forBrowser = await bundleForBrowser(entry);
  expect(forBrowser.code).toContain('apigSigner');
  expect(forBrowser.code).not.toContain(follower);
  const forNode = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    platform: 'node',
    external: ['axios'],
    write: false,
    logLevel: 'silent',
  });
  expect(forNode.outputFiles[0]!.text).toContain(follower);
});
