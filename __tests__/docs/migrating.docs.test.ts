/**
 * docs/migrating.md's table of Amplify v6 Auth functions and their apig-signer counterparts:
 * every Amplify name is an export of the installed `aws-amplify/auth`, every function of it
 * is in the table, and every method named on our side exists on what createCognitoAuth returns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as amplifyAuth from 'aws-amplify/auth';

import { createCognitoAuth } from '../../lib/cognito';

const doc = readFileSync(join(__dirname, '../../docs/migrating.md'), 'utf8');
const section = doc.slice(doc.indexOf('## From Amplify v6 Auth'), doc.indexOf('## From the guide'));
const rows = section
  .split('\n')
  .filter(
    (line) => line.startsWith('| ') && !line.startsWith('| Amplify') && !line.startsWith('| --'),
  )
  .map((line) => line.split('|').slice(1, 3));
const names = (cell: string) => [...cell.matchAll(/`(\w+)/g)].map((match) => match[1] ?? '');

describe('docs/migrating.md: Amplify v6 Auth side by side', () => {
  it('names only functions aws-amplify/auth exports, and all of them', () => {
    const exported = Object.keys(amplifyAuth).filter(
      (name) => typeof (amplifyAuth as Record<string, unknown>)[name] === 'function',
    );
    // Backticked words of the Amplify column that are not functions: options and their values.
    const notFunctions = new Set(['authFlowType', 'preferredChallenge', 'global', 'auth', 'Hub']);
    const inTable = rows
      .flatMap(([amplify = '']) => names(amplify))
      .filter((name) => /^[a-z]/.test(name) && !notFunctions.has(name));
    expect(inTable.filter((name) => !exported.includes(name))).toEqual([]);
    const left = exported.filter((name) => !['AuthError', 'decodeJWT'].includes(name));
    expect(left.filter((name) => !inTable.includes(name))).toEqual([]);
  });

  it('names only methods the object createCognitoAuth returns has', () => {
    const auth = createCognitoAuth({
      region: 'eu-west-2',
      userPoolId: 'eu-west-2_AbCdEf123',
      clientId: 'client',
      identityPoolId: 'eu-west-2:11111111-2222-3333-4444-555555555555',
    }) as unknown as Record<string, unknown>;
    const ours = rows
      .flatMap(([, signer = '']) => names(signer))
      .filter((name) => /^[a-z]/.test(name) && !['none'].includes(name));
    const options = new Set([
      'attributes',
      'clientMetadata',
      'authFlow',
      'preferredChallenge',
      'deviceName',
      'totp',
      'sms',
      'email',
      'global',
      'secret',
      'uri',
      'result',
      'challenge',
      'answer',
      'setUpTotp',
      'username',
      'password',
    ]);
    const absent = ours.filter((name) => !(name in auth) && !options.has(name));
    expect(absent).toEqual([]);
    expect(ours.length).toBeGreaterThan(15);
  });
});
