import { describe, expect, it } from 'vitest';
import { ancestors } from '../../../shared/plan/dag.js';
import type { Action, Plan } from '../../../shared/schema/plan.js';
import { runPlan, sample, step } from './run-plan.js';

const manuals = (actions: Action[]) => actions.flatMap((a) => (a.kind === 'manual' ? [a.instructions] : []));
const createDb = (plan: Plan, id: string) => step(plan, id).actions.find((a) => a.kind === 'aws' && a.operation === 'CreateDBInstance');
const copyTarget = (plan: Plan, id: string) => step(plan, id).actions.find((a) => a.kind === 'data-copy') as Extract<Action, { kind: 'data-copy' }>;

describe('the network path of the copy', () => {
  it('asks how the copy reaches RDS, defaulting to the relay with the least exposure, each choice with its trade-off', () => {
    const { design } = runPlan([sample('linode-systemd-postgres')]);
    const q = design.questions.find((x) => x.key === 'network.copyPath')!;
    expect(q.default).toBe('ssm-relay');
    expect(q.defaultReason).toMatch(/least exposure/);
    expect(q.choices.map((c) => c.value)).toEqual(['ssm-relay', 'public-locked']);
    expect(q.choices.every((c) => c.consequence.length > 40)).toBe(true);
    expect(design.resources.network.copyPath).toEqual({ databases: 'ssm-relay', caches: null, replication: null });
    expect(design.decisions.find((x) => x.id === 'network.copy-path')?.alternatives.map((a) => a.value)).toEqual(['public-locked']);
  });

  it('relay: RDS stays private, a Session Manager forward through an app instance carries every copy, the app keeps the real endpoint', () => {
    const { plan } = runPlan([sample('linode-systemd-postgres')]);
    expect(createDb(plan, 'provision-rds-postgres')).toMatchObject({ params: { PubliclyAccessible: false } });
    const open = step(plan, 'copy-open-path');
    expect(open.actions[0]).toMatchObject({ kind: 'aws', operation: 'DescribeEnvironmentResources', outputs: { RelayInstance: 'EnvironmentResources.Instances[0].Id' } });
    const [forward] = manuals(open.actions);
    expect(forward).toContain('--document-name AWS-StartPortForwardingSessionToRemoteHost');
    expect(forward).toContain('"localPortNumber":["15432"]');
    expect(forward).toContain('nc -z 127.0.0.1 15432');
    for (const id of ['provision-rds-postgres', 'provision-eb-example-shop-com']) expect(open.dependsOn).toContain(id);
    for (const id of ['copy-db-postgres', 'final-sync-db-postgres']) {
      expect(copyTarget(plan, id).target).toMatchObject({ endpoint: '127.0.0.1', port: 15432 });
      expect(ancestors(plan, id).has('copy-open-path'), id).toBe(true);
    }
    expect(JSON.stringify(step(plan, 'provision-app-config-example-shop-com').actions)).toContain('"replaceHost":{"$ref":"provision-rds-postgres.Endpoint"}');
    const close = step(plan, 'watch-close-copy-relay');
    expect(close.dependsOn).toEqual(['copy-open-path', 'switch-dns']);
    expect(manuals(close.actions)[0]).toMatch(/^Stop the Session Manager port forwards/);
    expect(close.undo.kind === 'actions' && manuals(close.undo.actions)[0]).toBe(forward);
  });

  it('carries ElastiCache keys through the relay too (ElastiCache is never public)', () => {
    const { plan, design } = runPlan([sample('mysql57-redis-apache')]);
    expect(design.resources.network.copyPath.caches).toBe('ssm-relay');
    const ports = manuals(step(plan, 'copy-open-path').actions).map((m) => /"localPortNumber":\["(\d+)"\]/.exec(m)?.[1]);
    expect(ports).toEqual(['13306', '16380']);
    expect(copyTarget(plan, 'copy-cache-redis').target).toMatchObject({ endpoint: '127.0.0.1', port: 16380 });
  });

  it('public-locked: RDS public for the copy, admitting only the box and the operator, closed after the switch', () => {
    const { plan } = runPlan([sample('linode-systemd-postgres')], { 'network.copyPath': 'public-locked' });
    expect(createDb(plan, 'provision-rds-postgres')).toMatchObject({ params: { PubliclyAccessible: true } });
    expect(JSON.stringify(step(plan, 'provision-security-groups').actions)).toContain('prepare-preflight.BoxIp_root_198_51_100_23');
    const [admit] = manuals(step(plan, 'copy-open-path').actions);
    expect(admit).toContain('aws ec2 authorize-security-group-ingress --region us-east-1 --group-id <provision-security-groups.GroupId_db> --protocol tcp --port 5432 --cidr "$(curl -fsS https://checkip.amazonaws.com)/32"');
    expect(manuals(step(plan, 'watch-close-copy-relay').actions)[0]).toContain('aws ec2 revoke-security-group-ingress');
    expect(copyTarget(plan, 'copy-db-postgres').target).toMatchObject({ endpoint: { $ref: 'provision-rds-postgres.Endpoint' } });
  });

  it('replication: a reverse tunnel by default (SSH to the relay admitted from the box only), or the box\'s firewall admitting RDS', () => {
    const tunnel = runPlan([sample('postgis')]);
    expect(tunnel.design.questions.find((q) => q.key === 'network.replicationPath')?.default).toBe('reverse-tunnel');
    expect(tunnel.design.resources.network.securityGroups.find((g) => g.id === 'app')?.ingress).toEqual([expect.objectContaining({ port: 22, from: { boxOf: 'admin@203.0.113.77' }, temporary: true })]);
    expect(createDb(tunnel.plan, 'provision-rds-postgres')).toMatchObject({ params: { PubliclyAccessible: false } });
    expect(manuals(step(tunnel.plan, 'copy-open-path').actions).join('\n')).toContain('ssh -N -o ExitOnForwardFailure=yes -o ServerAliveInterval=30 -R 0.0.0.0:15432:127.0.0.1:5432');
    // The runner tells RDS to replicate from the tunnel's end on the relay, whose private address it reads.
    expect(step(tunnel.plan, 'copy-open-path').actions).toContainEqual(expect.objectContaining({ kind: 'aws', operation: 'DescribeInstances', outputs: { RelayPrivateIp: 'Reservations[0].Instances[0].PrivateIpAddress' } }));
    expect(copyTarget(tunnel.plan, 'copy-db-postgres').source).toMatchObject({ replicationAddress: { host: { $ref: 'copy-open-path.RelayPrivateIp' }, port: 15432 } });

    const allow = runPlan([sample('postgis')], { 'network.replicationPath': 'box-allow-list' });
    expect(createDb(allow.plan, 'provision-rds-postgres')).toMatchObject({ params: { PubliclyAccessible: true } });
    const rules = manuals(step(allow.plan, 'copy-open-path').actions).join('\n');
    expect(rules).toContain("ufw allow proto tcp from $(getent hosts <provision-rds-postgres.Endpoint> | awk '{print $1}') to any port 5432 comment skylift-replication");
    expect(manuals(step(allow.plan, 'watch-close-copy-relay').actions).join('\n')).toContain('remove the replication rule');
    expect(copyTarget(allow.plan, 'copy-db-postgres').source).toMatchObject({ replicationAddress: { host: { $ref: expect.stringMatching(/^prepare-preflight\.BoxIp_/) }, port: 5432 } });
  });

  it('asks nothing and opens nothing when no database or cache moves', () => {
    const { plan, design } = runPlan([sample('do-1click-socketio')]);
    expect(design.questions.some((q) => q.key.startsWith('network.copy') || q.key === 'network.replicationPath')).toBe(false);
    expect(plan.steps.some((s) => s.id === 'copy-open-path' || s.id === 'watch-close-copy-relay')).toBe(false);
  });

  it('shows every choice with its trade-off in the runbook', () => {
    const md = runPlan([sample('postgis')]).files['plan.md']!;
    const section = md.slice(md.indexOf('## How the data reaches AWS'), md.indexOf('## Decisions'));
    expect(section).toContain('- **Chosen** `ssm-relay` — Relay through an app instance (Session Manager): Nothing becomes public');
    expect(section).toContain('- `public-locked` — Temporary public access, locked down:');
    expect(section).toContain('- **Chosen** `reverse-tunnel`');
    expect(section).toContain('- `box-allow-list` — Allow-list RDS on the box\'s firewall:');
  });
});
