import { randomBytes } from 'node:crypto';

import {
  DEFAULT_GATEWAY_CREDENTIALS,
  startCognitoEmulator,
  startSigV4Gateway,
} from 'apig-signer/testing';

/** The demo user the sandbox signs in. */
const DEMO_USER = 'demo';

/** Quotes one shell word. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `apig-signer sandbox`: a local API Gateway (it checks every signature) and a Cognito user
 * pool and identity pool with a demo user, on 127.0.0.1, until Ctrl-C. Prints the commands to
 * try them with, and the settings with which `npm run demo` runs its app against them.
 *
 * @returns when stopped (SIGINT or SIGTERM), the exit code 0.
 */
export async function runSandbox(stdout: NodeJS.WritableStream): Promise<number> {
  const password = `Demo-${randomBytes(6).toString('hex')}`;
  const gateway = await startSigV4Gateway({ credentials: [DEFAULT_GATEWAY_CREDENTIALS] });
  const cognito = await startCognitoEmulator({
    users: [{ username: DEMO_USER, password }],
    gateways: [gateway],
  });
  const url = `${gateway.url}/prod/notes`;
  const userFlags = [
    '--user-pool-id',
    cognito.userPoolId,
    '--client-id',
    cognito.clientId,
    '--identity-pool-id',
    cognito.identityPoolId,
    '--username',
    DEMO_USER,
    '--cognito-endpoint',
    cognito.url,
    '--region',
    cognito.region,
  ].map(quote);
  const lines = [
    'apig-signer sandbox: a local API Gateway and Cognito on 127.0.0.1, until Ctrl-C.',
    '',
    `  gateway    ${gateway.url} (region ${cognito.region}, service execute-api; it echoes what it receives)`,
    `  cognito    ${cognito.url} (user pool ${cognito.userPoolId}, identity pool ${cognito.identityPoolId})`,
    `  demo user  ${DEMO_USER}, password ${password}`,
    '',
    'In another terminal, as the demo user:',
    '',
    `  export APIG_SIGNER_PASSWORD=${quote(password)}`,
    `  apig-signer ${userFlags.join(' ')} --json '{"content":"hello"}' ${url}`,
    '',
    "Or with the gateway's keys, as an AWS profile would sign:",
    '',
    `  export AWS_ACCESS_KEY_ID=${quote(DEFAULT_GATEWAY_CREDENTIALS.accessKeyId)} AWS_SECRET_ACCESS_KEY=${quote(DEFAULT_GATEWAY_CREDENTIALS.secretAccessKey)}`,
    `  apig-signer --region ${cognito.region} ${url}`,
    '',
    "For npm run demo's app (examples/notes-client.mjs), in a clone of apig-signer:",
    '',
    `  export APIG_URL=${quote(`${gateway.url}/prod`)} COGNITO_ENDPOINT=${quote(cognito.url)}`,
    `  export COGNITO_USER_POOL_ID=${quote(cognito.userPoolId)} COGNITO_CLIENT_ID=${quote(cognito.clientId)}`,
    `  export COGNITO_IDENTITY_POOL_ID=${quote(cognito.identityPoolId)}`,
    `  export COGNITO_USERNAME=${DEMO_USER} COGNITO_PASSWORD=${quote(password)}`,
    '  npm run demo',
    '',
  ];
  stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all([gateway.close(), cognito.close()]);
  return 0;
}
