// What the Chromium test pages share: the config scripts/browser-test.mjs passes in the query,
// and the Cognito auth it describes (the emulator stands in for both pools).
import { createCognitoAuth } from '../lib/cognito/index';
import type { CognitoAuth } from '../lib/cognito/index';

export interface PageConfig {
  apiUrl: string;
  cognitoUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  username: string;
  password: string;
}

export const config = JSON.parse(
  new URLSearchParams(location.search).get('config') ?? '{}',
) as PageConfig;

/** A Cognito auth for the page's user pool and identity pool, as an app creates one. */
export function pageAuth(): CognitoAuth {
  return createCognitoAuth({
    region: config.region,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    identityPoolId: config.identityPoolId,
    endpoints: { userPool: config.cognitoUrl, identity: config.cognitoUrl },
  });
}
