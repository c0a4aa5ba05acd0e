/**
 * Bundled realistic inventories (`skylift plan --sample NAME`): a full dry-run plan with no box
 * and no AWS account. They double as the golden-test fixtures.
 */

import type { Inventory } from '../schema/inventory.js';
import { doOneClickSocketio } from './do-1click-socketio.js';
import { linodeSystemdPostgres } from './linode-systemd-postgres.js';
import { mysql57RedisApache } from './mysql57-redis-apache.js';
import { node12UploadsCrons } from './node12-uploads-crons.js';
import { postgis } from './postgis.js';
import { twoApps } from './two-apps.js';

export const SAMPLES: Record<string, Inventory> = {
  'do-1click-socketio': doOneClickSocketio,
  'linode-systemd-postgres': linodeSystemdPostgres,
  'mysql57-redis-apache': mysql57RedisApache,
  postgis,
  'two-apps': twoApps,
  'node12-uploads-crons': node12UploadsCrons,
};
