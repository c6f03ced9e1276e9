import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A region for a host that carries none, and where it was found (for -v and messages). */
export interface FoundRegion {
  region: string;
  source: string;
}

/** The `region` of one profile in an AWS config file (`[default]` or `[profile name]`). */
function profileRegion(config: string, profile: string): string | undefined {
  const section = profile === 'default' ? 'default' : `profile ${profile}`;
  let inside = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header !== null) {
      inside = header[1] === section || (profile === 'default' && header[1] === 'profile default');
      continue;
    }
    const setting = /^region\s*=\s*(\S+)$/.exec(line);
    if (inside && setting !== null) return setting[1];
  }
  return undefined;
}

/** The config file the AWS CLI and SDK read: AWS_CONFIG_FILE, else ~/.aws/config. */
export function configFile(env: NodeJS.ProcessEnv): string {
  return env['AWS_CONFIG_FILE'] ?? join(env['HOME'] ?? homedir(), '.aws', 'config');
}

/**
 * The region to sign for when the host name carries none and `--region` is not given, in the
 * AWS CLI's order: AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region` (--profile, else
 * AWS_PROFILE, else `default`) in the config file.
 */
export async function fallbackRegion(
  env: NodeJS.ProcessEnv,
  profile: string | undefined,
): Promise<FoundRegion | undefined> {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = env[name]?.trim();
    if (value) return { region: value, source: name };
  }
  const named = profile ?? env['AWS_PROFILE'] ?? 'default';
  const path = configFile(env);
  let config: string;
  try {
    config = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const region = profileRegion(config, named);
  return region === undefined ? undefined : { region, source: `profile ${named} in ${path}` };
}
