/**
 * Deploy the code that runs on the box (plus the exported eb/ bundle) to each environment, then
 * verify it through the new load balancer — health, an HTTPS request under the real name, and a
 * real WebSocket handshake — before anything is frozen.
 */

import type { EbEnvironment, TargetDesign } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import { type Json, NOTHING_TO_UNDO, type PlanBuilder, aws, undoWith, verify, waitFor } from './builder.js';

export function versionLabel(env: EbEnvironment): string {
  return `${env.id}-${env.code.gitCommit?.slice(0, 7) ?? 'box'}-1`;
}

function deployStep(b: PlanBuilder, d: TargetDesign, env: EbEnvironment): void {
  const label = versionLabel(env);
  const key = `${env.applicationName}/${label}.zip`;
  b.add(() => ({
    id: `deploy-${env.id}`,
    phase: 'deploy',
    title: `Deploy ${env.appName} to ${env.environmentName} as version ${label}`,
    why: 'What runs on the box is what moves: the app directory is packed on the box (without node_modules, .env or local state), the eb/ bundle is laid over it, and Elastic Beanstalk installs dependencies itself.',
    dependsOn: [`provision-eb-${env.id}`, ...d.resources.fileSystems.filter((f) => f.environment === env.id).map((f) => `provision-efs-${f.id}`)],
    actions: [
      {
        kind: 'data-copy',
        engine: 'source-bundle',
        method: 'box-to-zip',
        source: { host: env.code.label, dir: env.code.dir, excludes: env.code.excludes, overlay: env.bundleDir },
        target: { bucket: b.use('eb.storage'), key },
        notes: [
          env.code.gitRemote ? `The box's checkout is ${env.code.gitRemote}${env.code.gitCommit ? ` at ${env.code.gitCommit}` : ''}; uncommitted changes on the box are included.` : 'The box\'s app directory is not a git checkout: the bundle is the only copy of this code outside the box.',
          'Elastic Beanstalk takes a .zip: the runner repacks the tar stream from the box.',
        ],
      },
      aws('elasticbeanstalk', 'CreateApplicationVersion', { ApplicationName: b.use(`eb:${env.id}.application`), VersionLabel: label, SourceBundle: { S3Bucket: b.use('eb.storage'), S3Key: key }, Process: true }),
      aws('elasticbeanstalk', 'UpdateEnvironment', { EnvironmentName: env.environmentName, VersionLabel: label }),
      waitFor('the deployment to finish', { service: 'elasticbeanstalk', name: 'EnvironmentUpdated', params: { EnvironmentNames: [env.environmentName] } }),
    ],
    verify: [verify('eb-health', { environment: env.environmentName }, { HealthStatus: ['Ok'], VersionLabel: label })],
    undo: env.existing
      ? undoWith(`Redeploy the version ${env.environmentName} ran before.`, [aws('elasticbeanstalk', 'UpdateEnvironment', { EnvironmentName: env.environmentName, VersionLabel: b.use(`existing:${env.id}.version`) })])
      : NOTHING_TO_UNDO('The environment is new: its provision undo terminates it with this version.'),
    minutes: [5, 15],
  }));
  b.provide(`deploy:${env.id}.version`, `deploy-${env.id}`, '', label);
}

function verifyStep(b: PlanBuilder, d: TargetDesign, env: EbEnvironment): void {
  const domain = env.domains[0];
  const cname = () => b.use(`eb:${env.id}.cname`);
  const url = (scheme: 'https' | 'wss' | 'http' | 'ws', path: string): Json => (domain ? `${scheme}://${domain}${path}` : { $join: [`${scheme}://`, cname(), path] });
  const secure = domain !== undefined;
  const checks = (): Action[] => [
    verify('eb-health', { environment: env.environmentName }, { HealthStatus: ['Ok'] }),
    verify('http', { url: url(secure ? 'https' : 'http', env.healthCheckPath), connectTo: cname() }, { status: '200-399' }),
    ...(env.websocketPath ? [verify('websocket', { url: url(secure ? 'wss' : 'ws', env.websocketPath), connectTo: cname() }, { status: 101, holdSeconds: Math.min(env.nginx.readTimeoutSeconds, 90) })] : []),
    ...env.staticFiles.map((s) => verify('http', { url: url(secure ? 'https' : 'http', `${s.urlPath}/`), connectTo: cname() }, { servedBy: 'nginx', statusNot: 502 })),
  ];
  const copies = [...d.resources.databases.map((db) => `copy-db-${db.id}`), ...[...d.resources.buckets, ...d.resources.fileSystems].filter((s) => s.environment === env.id).map((s) => `copy-files-${s.id}`)];
  b.add(() => ({
    id: `verify-${env.id}`,
    phase: 'verify',
    title: `Verify ${env.environmentName} through its load balancer${env.websocketPath ? ', including a WebSocket handshake' : ''}`,
    why: 'Before anything is frozen: the new environment answers under the real name (with the ACM certificate, the box still serving the public), and WebSocket upgrades pass the load balancer and nginx.',
    dependsOn: [`deploy-${env.id}`, ...copies.filter((id) => b.has(id))],
    actions: checks(),
    undo: NOTHING_TO_UNDO('Checks change nothing.'),
    manual: false,
    minutes: [2, 10],
  }));
}

export function deploySteps(b: PlanBuilder, d: TargetDesign): void {
  for (const env of d.resources.environments) deployStep(b, d, env);
  for (const env of d.resources.environments) verifyStep(b, d, env);
}
