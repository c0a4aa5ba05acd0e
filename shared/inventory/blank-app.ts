import type { App } from '../schema/inventory.js';

/** An app known only by where it runs (no package.json, git or env read yet). */
export function blankApp(name: string, dir: string, foundBy: App['foundBy']): App {
  return {
    name,
    dir,
    foundBy,
    packageJson: null,
    flags: { socketio: false, ws: false, express: false, postgres: false, mysql: false, redis: false, socketioRedisAdapter: false, memcached: false, uploads: false },
    procfile: null,
    ecosystemFile: null,
    git: null,
    sizeBytes: null,
    writableDirs: [],
    envNames: [],
    ports: [],
  };
}
