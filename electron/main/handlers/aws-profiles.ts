import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Profile names in an AWS shared file: `[profile x]` / `[default]` in config, `[x]` in credentials (other sections, like sso-session, are not profiles). */
export function profileNames(text: string, file: 'config' | 'credentials'): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line)?.[1];
    if (!section) continue;
    if (file === 'credentials') names.push(section);
    else if (section === 'default') names.push(section);
    else if (section.startsWith('profile ')) names.push(section.slice('profile '.length).trim());
  }
  return names;
}

/** The profiles ~/.aws names, and in which of its two files; missing files name none. */
export async function awsProfiles(home: string): Promise<Map<string, ('config' | 'credentials')[]>> {
  const found = new Map<string, ('config' | 'credentials')[]>();
  for (const file of ['config', 'credentials'] as const) {
    const text = await readFile(join(home, '.aws', file), 'utf8').catch(() => '');
    for (const name of profileNames(text, file)) found.set(name, [...(found.get(name) ?? []), file]);
  }
  return found;
}
