/**
 * One Elastic Beanstalk environment per app (grouped across boxes): platform branch, size,
 * load balancer, health, deployments, Procfile, environment properties and file storage.
 */

import type { Bucket, EbEnvironment, FileSystem } from '../schema/design.js';
import type { MappingContext } from './context.js';
import { APP_PORT, type Endpoints, mapEnvVars } from './eb-env.js';
import { choosePlatform } from './eb-platform.js';
import { baseSettings, healthAndDeploy } from './eb-settings.js';
import { chooseSizing } from './eb-sizing.js';
import type { General } from './general.js';
import { mapLoadBalancer } from './load-balancer.js';
import { resourceName } from './names.js';
import { startCommand } from './procfile.js';
import type { AppGroup, AppMember } from './sources.js';
import { safeText } from './sanitize.js';
import { mapStorage } from './storage.js';
import { platformBranchArn } from './tables/platform-branches.js';
import { webEvidence } from './web-evidence.js';

export interface EnvironmentResult {
  env: EbEnvironment;
  buckets: Bucket[];
  fileSystems: FileSystem[];
}

/** Never shipped to EB: dependencies are installed there, secrets and local state stay behind. */
const BUNDLE_EXCLUDES = ['.git', 'node_modules', '.env', '.env.*', '*.log'];

/** How the box runs the app, so the freeze can stop it and a rollback start it again. */
function control(m: AppMember): EbEnvironment['sources'][number]['control'] {
  const pm2 = m.inv.runtimes.pm2.apps.find((p) => p.cwd === m.app.dir || p.name === m.app.name);
  if (pm2) return { kind: 'pm2', user: pm2.user ?? m.inv.probe.user ?? 'root', name: pm2.name, bin: m.inv.runtimes.tools.find((t) => t.name === 'pm2')?.path ?? null };
  const unit = m.inv.services.units.find((u) => u.workingDirectory === m.app.dir || (u.execStart ?? '').includes(m.app.dir));
  return unit ? { kind: 'systemd', unit: unit.name } : { kind: 'manual' };
}

export function mapEnvironment(ctx: MappingContext, group: AppGroup, general: General, endpoints: Endpoints, bundleDir: string, domains: string[]): EnvironmentResult {
  const member = group.members[0] as AppMember;
  const ev = webEvidence(group);
  const platform = choosePlatform(ctx, group);
  const sizing = chooseSizing(ctx, group, general.highAvailability, ev);
  const lb = mapLoadBalancer(ctx, group, ev, sizing.maxSize, domains.length > 0);
  const health = lb.existing ? null : healthAndDeploy(ctx, group, lb.loadBalancer);
  const storage = mapStorage(ctx, group, group.id, general.name, general.region, ev);
  const start = startCommand(member);
  ctx.decide({
    id: `eb.${group.id}.procfile`,
    area: 'eb',
    title: `Procfile for ${group.name}`,
    value: `web: ${start.command}`,
    reason: `${start.reason} The app must listen on process.env.PORT (${APP_PORT}).`,
    facts: start.facts,
    warnings: start.warnings,
  });
  const envVars = mapEnvVars(ctx, group, general.name, endpoints);
  const environmentName = resourceName([general.name, group.id === general.name ? 'web' : group.id], 40);
  const writable = group.members.flatMap((m) => m.app.writableDirs.map((d) => d.path));
  const excludes = [...BUNDLE_EXCLUDES, ...writable.filter((p) => p.startsWith(`${member.app.dir}/`)).map((p) => p.slice(member.app.dir.length + 1))];

  const settings = health ? [...baseSettings(sizing), ...lb.settings, ...health.settings] : [...lb.settings];
  settings.push(...storage.settings);
  const env: EbEnvironment = {
    id: group.id,
    appName: group.name,
    sources: group.members.map((m) => ({ label: m.inv.target.label, dir: m.app.dir, control: control(m) })),
    nodes: group.members.length,
    applicationName: resourceName(['skylift', general.name], 100),
    environmentName: lb.existing?.name ?? environmentName,
    cnamePrefix: environmentName,
    existing: lb.existing,
    platform: { nodeMajor: platform.nodeMajor, branch: platform.branch, platformArn: platformBranchArn(platform) },
    instanceType: sizing.instanceType,
    minSize: sizing.minSize,
    maxSize: sizing.maxSize,
    loadBalancer: lb.loadBalancer,
    websocket: ev.websocket,
    socketio: ev.socketio,
    websocketPath: ev.socketio ? '/socket.io/?EIO=4&transport=websocket' : ev.websocket ? (ev.wsPaths[0] ?? '/') : null,
    healthCheckPath: health?.healthCheckPath ?? '/',
    port: APP_PORT,
    procfile: `web: ${start.command}\n`,
    envVars,
    optionSettings: settings,
    nginx: { websocket: ev.websocket, readTimeoutSeconds: lb.idleTimeoutSeconds, clientMaxBodySize: ev.clientMaxBodySize },
    staticFiles: storage.staticFiles,
    worker: null,
    bundleDir,
    code: {
      label: member.inv.target.label,
      dir: member.app.dir,
      gitRemote: member.app.git?.remote ? safeText(member.app.git.remote) : null,
      gitCommit: member.app.git?.commit ?? null,
      excludes,
    },
    domains,
  };
  for (const m of group.members) {
    ctx.cover({ ref: `app:${m.app.name}`, source: m.inv.target.label, kind: 'app', status: 'mapped', detail: `Elastic Beanstalk environment ${env.environmentName}` });
  }
  return { env, buckets: storage.buckets, fileSystems: storage.fileSystems };
}
