import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';
import { cleanEnv, emptyHome, runCli } from '../helpers/cli';
import { TEST_KEYS } from '../helpers/setup';

/**
 * A host whose name carries no region (127.0.0.1 here, a custom domain in real life): the
 * region comes from --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region. The
 * gateway signs for eu-west-3, so only the right region is accepted.
 */
let gateway: SigV4Gateway;
let home: string;
let cleanup: () => void;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv(home, {
    AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_KEYS.sessionToken,
    ...extra,
  });
}

beforeAll(async () => {
  ({ home, cleanup } = emptyHome());
  gateway = await startSigV4Gateway({ credentials: [{ ...TEST_KEYS }], region: 'eu-west-3' });
});
afterAll(async () => {
  await gateway.close();
  cleanup();
});

describe('apig-signer: the region for a host without one', () => {
  it('AWS_REGION, and -v says where the region came from', async () => {
    const result = await runCli(['-v', `${gateway.url}/prod/r`], {
      env: env({ AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'us-east-1' }),
    });
    expect(result.code).toBe(0);
    expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
    expect(result.stderr).toContain(
      '* Region eu-west-3 (from AWS_REGION): the host name carries none\n',
    );
  });

  it('AWS_DEFAULT_REGION when AWS_REGION is not set', async () => {
    const result = await runCli([`${gateway.url}/prod/r`], {
      env: env({ AWS_DEFAULT_REGION: 'eu-west-3' }),
    });
    expect(result.code).toBe(0);
    expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
  });

  it("the profile's region (AWS_PROFILE here) from the config file", async () => {
    const config = join(home, 'config');
    const credentials = join(home, 'credentials');
    writeFileSync(config, '[default]\nregion = us-east-1\n\n[profile paris]\nregion = eu-west-3\n');
    writeFileSync(
      credentials,
      `[paris]\naws_access_key_id = ${TEST_KEYS.accessKeyId}\naws_secret_access_key = ${TEST_KEYS.secretAccessKey}\naws_session_token = ${TEST_KEYS.sessionToken}\n`,
    );
    const profileEnv = cleanEnv(home, {
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
    });
    const paris = await runCli([`${gateway.url}/prod/r`], {
      env: { ...profileEnv, AWS_PROFILE: 'paris' },
    });
    expect(paris.code).toBe(0);
    expect(gateway.requests.at(-1)!.verdict.accepted).toBe(true);
    // --profile names the profile whose region is read (the default one's is us-east-1).
    const fallback = await runCli(['--profile', 'paris', '-v', `${gateway.url}/prod/r`], {
      env: profileEnv,
    });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toContain(`* Region eu-west-3 (from profile paris in ${config})`);
  });

  it("a wrong region: the hint says what -v shows, and -v shows the scope and AWS's message", async () => {
    const plain = await runCli(['--region', 'us-east-1', `${gateway.url}/prod/r`], { env: env() });
    expect(plain.stderr).toBe(
      "apig-signer: AWS refused the signature (InvalidSignatureException): run again with -v to see the region and service it was signed for, and AWS's message\n",
    );
    const verbose = await runCli(['-v', '--region', 'us-east-1', `${gateway.url}/prod/r`], {
      env: env(),
    });
    expect(verbose.stderr).toMatch(
      /\* AWS refused the signature \(InvalidSignatureException\); AWS's message: ".*eu-west-3.*"\n\* It was signed for region us-east-1, service execute-api \(credential scope \d{8}\/us-east-1\/execute-api\/aws4_request\)\.\n\* If AWS expects another region or service, give --region or --service\.\n/,
    );
  });

  it('none anywhere: exit 2, nothing sent, the message lists every source', async () => {
    const before = gateway.requests.length;
    const result = await runCli([`${gateway.url}/prod/r`], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `apig-signer: no region for host ${gateway.url.replace('http://', '')}: its name carries none. Give --region, or set AWS_REGION or AWS_DEFAULT_REGION, or a region for profile default in ${join(home, 'no-aws-config')}\n`,
    );
    expect(gateway.requests.length).toBe(before);
  });
});
