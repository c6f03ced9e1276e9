import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { configFile } from './fallbackRegion';

/** What the AWS files say of one profile: where it is, and which settings it has. */
export interface ProfileFacts {
  /** The files that have a section for the profile. */
  foundIn: string[];
  settings: Set<string>;
  /** The files looked in. */
  files: string[];
}

function sectionSettings(text: string, sections: readonly string[]): Set<string> | undefined {
  let inside = false;
  let found: Set<string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s*[#;].*$/, '').trim();
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header !== null) {
      inside = sections.includes(header[1] as string);
      if (inside) found ??= new Set();
      continue;
    }
    const setting = /^([A-Za-z0-9_]+)\s*=/.exec(line);
    if (inside && setting !== null) found?.add((setting[1] as string).toLowerCase());
  }
  return found;
}

/**
 * Reads the profile's sections in the config file (`[profile name]`) and the credentials file
 * (`[name]`), so that a failure can say which: missing, or missing one setting.
 */
export async function describeProfile(
  profile: string,
  env: NodeJS.ProcessEnv,
): Promise<ProfileFacts> {
  const credentialsFile =
    env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(env['HOME'] ?? homedir(), '.aws', 'credentials');
  const files = [configFile(env), credentialsFile];
  const sections = [
    profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`],
    [profile],
  ];
  const facts: ProfileFacts = { foundIn: [], settings: new Set(), files };
  for (const [index, file] of files.entries()) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const settings = sectionSettings(text, sections[index] ?? []);
    if (settings === undefined) continue;
    facts.foundIn.push(file);
    for (const setting of settings) facts.settings.add(setting);
  }
  return facts;
}
