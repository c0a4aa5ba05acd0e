import { homedir } from 'node:os';
import { join } from 'node:path';
import { lookupSshConfig, readSshConfig } from '../../engine/ssh/ssh-config.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';

/** Host entries of ~/.ssh/config a person would pick (no patterns), with what they resolve to. */
export function sshHostHandlers(deps: HandlerDeps): Pick<Handlers, 'ssh:hosts'> {
  return {
    'ssh:hosts': async () => {
      const home = deps.homeDir ?? homedir();
      const path = join(home, '.ssh', 'config');
      const config = await readSshConfig(path, home);
      const aliases = new Set<string>();
      for (const line of config) {
        if (!('param' in line) || line.param.toLowerCase() !== 'host') continue;
        const values = Array.isArray(line.value) ? line.value.map((v) => (typeof v === 'string' ? v : v.val)) : [String(line.value)];
        for (const v of values.flatMap((x) => x.split(/\s+/))) if (v && !/[*?!]/.test(v)) aliases.add(v);
      }
      return [...aliases].map((alias) => {
        const host = lookupSshConfig(config, alias, path);
        return { alias, hostName: host.hostName ?? null, user: host.user ?? null, port: host.port ?? null };
      });
    },
  };
}
