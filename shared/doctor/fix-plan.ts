import { aws, NOTHING_TO_UNDO, undoWith, verify, waitFor, type Json } from '../plan/builder.js';
import { PLAN_SCHEMA_VERSION, type Action, type Phase, type Plan, type PlanStep } from '../schema/plan.js';
import type { CauseId, Diagnosis } from './diagnose.js';
import { optionOf, type DoctorFacts } from './facts.js';
import { DEFAULT_LOCATION_FILE, defaultLocationFile, proxyBlocks, repairProxyFile, UPGRADE_MAP_FILE, upgradeMapFile } from './nginx.js';

export interface FixOptions {
  /** The migration id of the fix (journal, tags, version label): unique per fix run. */
  id: string;
  /** A Socket.IO event the app echoes back (acknowledges, or emits back), for the verify step. */
  echoEvent: string | null;
}

interface Setting {
  Namespace: string;
  OptionName: string;
  Value: string;
}

const PROCESS = 'aws:elasticbeanstalk:environment:process:default';
const APP_ENV = 'aws:elasticbeanstalk:application:environment';

/** The idle timeout the fix sets: 300 s, or twice the heartbeat when that is longer (AWS allows up to 4000 s). */
export function targetIdleSeconds(d: Diagnosis): number {
  return Math.min(4000, Math.max(300, 2 * Math.ceil(d.ping.intervalMs / 1000)));
}

function envUpdate(facts: DoctorFacts, settings: Setting[]): Action {
  return aws('elasticbeanstalk', 'UpdateEnvironment', { EnvironmentName: facts.environment.name, OptionSettings: settings as unknown as Json });
}

const waitReady = (facts: DoctorFacts): Action =>
  waitFor(`environment ${facts.environment.name} Ready again`, { service: 'elasticbeanstalk', name: 'EnvironmentUpdated', params: { EnvironmentNames: [facts.environment.name] } });

/** Sets these options, and undoes by putting back the recorded values (removing those that were not set). */
function optionStep(facts: DoctorFacts, id: string, title: string, why: string, settings: Setting[]): Omit<PlanStep, 'dependsOn'> {
  const before = settings.map((s) => ({ ...s, Value: optionOf(facts, s.Namespace, s.OptionName) }));
  const restore = before.filter((s) => s.Value !== undefined) as Setting[];
  const remove = before.filter((s) => s.Value === undefined).map(({ Namespace, OptionName }) => ({ Namespace, OptionName }));
  const undo = aws('elasticbeanstalk', 'UpdateEnvironment', {
    EnvironmentName: facts.environment.name,
    OptionSettings: restore as unknown as Json,
    ...(remove.length ? { OptionsToRemove: remove } : {}),
  });
  const shown = before.map((s) => `${s.Namespace} ${s.OptionName} ${s.Value ?? '(unset)'}`).join('; ');
  return step(id, title, why, [envUpdate(facts, settings), waitReady(facts)], undoWith(`put back ${shown}`, [undo, waitReady(facts)]));
}

function step(id: string, title: string, why: string, actions: Action[], undo: PlanStep['undo'], phase: Phase = 'deploy', minutes: [number, number] = [2, 10]): Omit<PlanStep, 'dependsOn'> {
  return { id, phase, title, why, preconditions: [], actions, verify: [], undo, pointOfNoReturn: false, manual: false, durationMinutes: { min: minutes[0], max: minutes[1] }, inDowntime: false };
}

function listenerStep(facts: DoctorFacts): Omit<PlanStep, 'dependsOn'> {
  const settings: Setting[] = [];
  for (const l of facts.loadBalancer.listeners.filter((x) => x.protocol === 'HTTP' || x.protocol === 'HTTPS')) {
    const ns = `aws:elb:listener:${l.port}`;
    settings.push({ Namespace: ns, OptionName: 'ListenerProtocol', Value: l.protocol === 'HTTPS' ? 'SSL' : 'TCP' }, { Namespace: ns, OptionName: 'InstanceProtocol', Value: 'TCP' }, { Namespace: ns, OptionName: 'InstancePort', Value: String(l.instancePort) });
    if (l.certificate) settings.push({ Namespace: ns, OptionName: 'SSLCertificateId', Value: l.certificate });
  }
  return optionStep(facts, 'doctor-listeners-layer4', 'Classic load balancer listeners to layer 4 (TCP, SSL with the same certificate)', 'a layer-7 classic listener refuses the WebSocket upgrade with 400', settings);
}

function idleStep(facts: DoctorFacts, seconds: number): Omit<PlanStep, 'dependsOn'> {
  const setting: Setting =
    facts.loadBalancer.kind === 'application'
      ? { Namespace: 'aws:elbv2:loadbalancer', OptionName: 'IdleTimeout', Value: String(seconds) }
      : { Namespace: 'aws:elb:policies', OptionName: 'ConnectionSettingIdleTimeout', Value: String(seconds) };
  return optionStep(facts, 'doctor-idle-timeout', `Load balancer idle timeout to ${seconds} s`, 'the load balancer cuts connections quieter than its idle timeout, and Socket.IO is quiet between heartbeats', [setting]);
}

function stickinessStep(facts: DoctorFacts): Omit<PlanStep, 'dependsOn'> {
  return optionStep(facts, 'doctor-stickiness', 'Sticky sessions on the target group', 'the polling requests of a Socket.IO session must reach the instance that holds it', [{ Namespace: PROCESS, OptionName: 'StickinessEnabled', Value: 'true' }]);
}

function proxyProtocolStep(facts: DoctorFacts): Omit<PlanStep, 'dependsOn'> {
  const lb = facts.loadBalancer.name ?? '';
  const ports = facts.loadBalancer.backendPolicies.filter((b) => b.policies.some((p) => p.type === 'ProxyProtocolPolicyType'));
  const set = (port: number, names: string[]) => aws('elb', 'SetLoadBalancerPoliciesForBackendServer', { LoadBalancerName: lb, InstancePort: port, PolicyNames: names });
  return step(
    'doctor-proxy-protocol-off',
    `Proxy Protocol off on instance port(s) ${ports.map((p) => p.instancePort).join(', ')}`,
    'nginx on the instances does not listen with proxy_protocol, so the PROXY line makes every request a 400',
    ports.map((p) => set(p.instancePort, p.policies.filter((x) => x.type !== 'ProxyProtocolPolicyType').map((x) => x.name))),
    undoWith(`put back ${ports.map((p) => `${p.instancePort}: ${p.policies.map((x) => x.name).join(', ')}`).join('; ')}`, ports.map((p) => set(p.instancePort, p.policies.map((x) => x.name)))),
    'deploy',
    [1, 3],
  );
}

/** The bundle files the override adds or replaces: every proxying file repaired, or the platform's location replaced. */
export function overrideFiles(facts: DoctorFacts, timeoutSeconds: number): Record<string, string> {
  const files = facts.bundle?.nginxFiles ?? {};
  const all = proxyBlocks(files);
  const wanting = all.filter((b) => !b.passesUpgrade || Math.min(b.readTimeoutSeconds, b.sendTimeoutSeconds) < timeoutSeconds);
  // The bundle's own proxy files are repaired (a second `location /` beside them would not load); the platform's is replaced only when there are none.
  const blocks = wanting.length ? wanting : all;
  const port = Number(optionOf(facts, APP_ENV, 'PORT') ?? 8080);
  const repaired = blocks.length ? Object.fromEntries(blocks.map((b) => [b.file, repairProxyFile(files[b.file]!, timeoutSeconds)])) : { [DEFAULT_LOCATION_FILE]: defaultLocationFile(port, timeoutSeconds) };
  return { [UPGRADE_MAP_FILE]: upgradeMapFile(), ...repaired };
}

function nginxStep(facts: DoctorFacts, opts: FixOptions, timeoutSeconds: number): Omit<PlanStep, 'dependsOn'> {
  const bundle = facts.bundle!;
  const env = facts.environment;
  const label = opts.id;
  const key = `${bundle.key.includes('/') ? bundle.key.slice(0, bundle.key.lastIndexOf('/') + 1) : ''}${label}.zip`;
  const files = overrideFiles(facts, timeoutSeconds);
  const copy: Action = {
    kind: 'data-copy',
    engine: 'source-bundle',
    method: 'overlay-s3',
    source: { bucket: bundle.bucket, key: bundle.key, files },
    target: { bucket: bundle.bucket, key },
    notes: [`the deployed version ${env.versionLabel}'s bundle with ${Object.keys(files).join(', ')} laid over it`],
  };
  const deploy = (versionLabel: string) => aws('elasticbeanstalk', 'UpdateEnvironment', { EnvironmentName: env.name, VersionLabel: versionLabel });
  return step(
    'doctor-nginx-override',
    `Deploy ${label}: version ${env.versionLabel} with a .platform/nginx override that passes WebSocket upgrades (timeouts ${timeoutSeconds} s)`,
    'the instance nginx must pass Upgrade/Connection with HTTP/1.1 and keep quiet connections open longer than the heartbeat',
    [
      copy,
      aws('elasticbeanstalk', 'CreateApplicationVersion', { ApplicationName: env.application, VersionLabel: label, Description: 'skylift doctor: nginx WebSocket override', SourceBundle: { S3Bucket: bundle.bucket, S3Key: key }, Process: true }),
      deploy(label),
      waitReady(facts),
    ],
    undoWith(`deploy ${env.versionLabel} again and delete ${label}`, [deploy(env.versionLabel!), waitReady(facts), aws('elasticbeanstalk', 'DeleteApplicationVersion', { ApplicationName: env.application, VersionLabel: label, DeleteSourceBundle: true })]),
    'deploy',
    [3, 15],
  );
}

function verifyStep(facts: DoctorFacts, opts: FixOptions): Omit<PlanStep, 'dependsOn'> {
  const urls = facts.handshakes.length ? facts.handshakes.map((h) => h.url) : [`http://${facts.environment.cname}/`];
  const title = `Socket.IO handshake upgrades to WebSocket (101)${opts.echoEvent ? ` and "${opts.echoEvent}" echoes` : ''}`;
  const checks = urls.map((url) => verify('socketio', { url, echoEvent: opts.echoEvent }, { websocket: 101, echo: opts.echoEvent !== null }));
  return { ...step('doctor-verify', title, 'the fix is only done when a real client connects', [], NOTHING_TO_UNDO('a check changes nothing'), 'verify', [1, 5]), verify: checks };
}

const AUTOMATIC_ORDER: CauseId[] = ['proxy-protocol-without-nginx', 'classic-layer7-listener', 'idle-timeout-short', 'stickiness-off', 'nginx-drops-upgrade'];

/**
 * The fix as a plan the runner applies, journals, verifies and undoes: one small step per
 * change, in a chain (Elastic Beanstalk takes one update at a time), then a real handshake.
 * Null when nothing the doctor found can be fixed automatically.
 */
export function buildFixPlan(facts: DoctorFacts, d: Diagnosis, opts: FixOptions): Plan | null {
  const ids = new Set(d.findings.filter((f) => f.automatic).map((f) => f.id));
  if (ids.has('nginx-short-timeout')) ids.add('nginx-drops-upgrade');
  const idle = targetIdleSeconds(d);
  const nginxTimeout = Math.max(idle, facts.loadBalancer.idleTimeoutSeconds ?? 0);
  const made: Omit<PlanStep, 'dependsOn'>[] = [];
  for (const cause of AUTOMATIC_ORDER) {
    if (!ids.has(cause)) continue;
    if (cause === 'proxy-protocol-without-nginx') made.push(proxyProtocolStep(facts));
    if (cause === 'classic-layer7-listener') made.push(listenerStep(facts));
    if (cause === 'idle-timeout-short') made.push(idleStep(facts, idle));
    if (cause === 'stickiness-off') made.push(stickinessStep(facts));
    if (cause === 'nginx-drops-upgrade') made.push(nginxStep(facts, opts, nginxTimeout));
  }
  if (made.length === 0) return null;
  made.push(verifyStep(facts, opts));
  const steps: PlanStep[] = made.map((s, i) => ({ ...s, dependsOn: i === 0 ? [] : [made[i - 1]!.id] }));
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'skylift-plan',
    migration: { name: opts.id, region: facts.environment.region, accountId: null, tablesAsOf: 'doctor', sources: [] },
    applicable: true,
    openBlockers: [],
    tags: [{ Key: 'skylift:migration', Value: opts.id }],
    phases: [...new Set(steps.map((s) => s.phase))],
    steps,
    downtime: { steps: [], maxMinutes: 0 },
  };
}
