import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Skylift's data directory (known hosts, projects, journals): `SKYLIFT_HOME` when set, else the
 * platform's usual per-user place — the same folder Electron's `app.getPath('userData')` uses.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SKYLIFT_HOME) return env.SKYLIFT_HOME;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Skylift');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Skylift');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'skylift');
}

export const knownHostsPath = (dir = dataDir()): string => join(dir, 'known_hosts');
