import type { ProbeSection } from '../section.js';
import { apacheSection } from './apache.js';
import { appsSection } from './apps.js';
import { cronSection } from './cron.js';
import { firewallSection } from './firewall.js';
import { hostSection } from './host.js';
import { memcachedSection } from './memcached.js';
import { mysqlSection } from './mysql.js';
import { nginxSection } from './nginx.js';
import { pm2Section } from './pm2.js';
import { postgresSection } from './postgres.js';
import { processesSection } from './processes.js';
import { redisSection } from './redis.js';
import { runtimesSection } from './runtimes.js';
import { servicesSection } from './services.js';
import { tlsSection } from './tls.js';

/** Probe sections in run order: cheap system facts first, then services that read configs. */
export const SECTIONS: readonly ProbeSection[] = [
  hostSection,
  processesSection,
  servicesSection,
  runtimesSection,
  pm2Section,
  nginxSection,
  apacheSection,
  tlsSection,
  appsSection,
  postgresSection,
  mysqlSection,
  redisSection,
  memcachedSection,
  cronSection,
  firewallSection,
];
