// npm run bench:srp: the client CPU of one SRP sign-in (USER_SRP_AUTH, PASSWORD_VERIFIER) with
// apig-signer/cognito and with amazon-cognito-identity-js, against the same Cognito emulator.
// The emulator runs in a child process, so this process's CPU time (process.cpuUsage) is the
// clients' alone. Contenders alternate within each round, the order rotating; the figure is the
// median of the per-round ratios, as in bench/run.mjs. Target: at most 0.25x.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { quantile } from './workloads.mjs';

const USER = { username: 'bench', password: 'correct horse battery staple' };
const TARGET = 0.25;

if (process.argv[2] === '--server') {
  const { startCognitoEmulator } = await import('../dist/testing/index.mjs');
  const cognito = await startCognitoEmulator({ users: [USER], maxFailedAttempts: 1e9 });
  process.send({
    url: cognito.url,
    region: cognito.region,
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    identityPoolId: cognito.identityPoolId,
  });
  process.on('disconnect', () => {
    void cognito.close().then(() => process.exit(0));
  });
} else {
  const quick = process.argv.includes('--quick');
  const rounds = quick ? 3 : 15;
  const perRound = quick ? 2 : 4;

  const server = fork(fileURLToPath(import.meta.url), ['--server'], { stdio: 'inherit' });
  const pool = await new Promise((resolve) => server.once('message', resolve));

  const { createCognitoAuth } = await import('../dist/cognito/index.mjs');
  const { AuthenticationDetails, CognitoUser, CognitoUserPool } =
    await import('amazon-cognito-identity-js');

  const ours = createCognitoAuth({
    region: pool.region,
    userPoolId: pool.userPoolId,
    clientId: pool.clientId,
    identityPoolId: pool.identityPoolId,
    endpoints: { userPool: pool.url, identity: pool.url },
  });
  const memory = () => {
    const values = new Map();
    return {
      getItem: (key) => values.get(key) ?? null,
      setItem: (key, value) => values.set(key, String(value)),
      removeItem: (key) => values.delete(key),
      clear: () => values.clear(),
    };
  };
  const userPool = new CognitoUserPool({
    UserPoolId: pool.userPoolId,
    ClientId: pool.clientId,
    endpoint: pool.url,
    Storage: memory(),
  });
  const contenders = {
    'apig-signer/cognito': async () => {
      await ours.signIn(USER.username, USER.password);
    },
    'amazon-cognito-identity-js': () =>
      new Promise((resolve, reject) => {
        const storage = memory();
        new CognitoUser({
          Username: USER.username,
          Pool: userPool,
          Storage: storage,
        }).authenticateUser(
          new AuthenticationDetails({ Username: USER.username, Password: USER.password }),
          { onSuccess: () => resolve(), onFailure: reject },
        );
      }),
  };

  /** Milliseconds of this process's CPU (user + system) per call of `run`. */
  const cpuPerCall = async (run, times) => {
    const before = process.cpuUsage();
    for (let i = 0; i < times; i += 1) await run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / times;
  };

  const names = Object.keys(contenders);
  for (const name of names) await cpuPerCall(contenders[name], 2); // warm-up
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  const ratios = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    const figures = {};
    for (const name of order) figures[name] = await cpuPerCall(contenders[name], perRound);
    for (const name of names) samples[name].push(figures[name]);
    ratios.push(figures['apig-signer/cognito'] / figures['amazon-cognito-identity-js']);
  }
  server.disconnect();

  console.log(
    `SRP sign-in, client CPU per sign-in (${rounds} rounds of ${perRound}), Node ${process.version}`,
  );
  for (const name of names) {
    console.log(`  ${name.padEnd(28)} ${quantile(samples[name], 0.5).toFixed(1).padStart(7)} ms`);
  }
  const ratio = quantile(ratios, 0.5);
  console.log(
    `  ratio (median of rounds)     ${ratio.toFixed(3).padStart(7)}x  (target ≤ ${TARGET}x: ${ratio <= TARGET ? 'met' : 'MISSED'})`,
  );
  if (!quick && ratio > TARGET) process.exitCode = 1;
}
