import { describe, expect, it } from 'vitest';
import { ancestors, refsIn, topologicalOrder } from '../../../shared/plan/dag.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import { PHASES, Plan, planJsonSchema } from '../../../shared/schema/plan.js';
import { runPlan, sample, step } from './run-plan.js';

describe('plan DAG', () => {
  it.each(Object.keys(SAMPLES))('%s: valid schema, acyclic, phases in order, every $ref an ancestor', (name) => {
    const { plan } = runPlan([sample(name)]);
    Plan.parse(plan);
    expect(topologicalOrder(plan.steps).map((s) => s.id)).toEqual(plan.steps.map((s) => s.id));
    for (const s of plan.steps) {
      for (const dep of s.dependsOn) expect(PHASES.indexOf(step(plan, dep).phase), `${s.id} → ${dep}`).toBeLessThanOrEqual(PHASES.indexOf(s.phase));
      const mine = ancestors(plan, s.id);
      for (const ref of refsIn(s.actions).concat(refsIn(s.verify))) {
        const producer = ref.split('.')[0] as string;
        expect(producer === s.id || mine.has(producer), `${s.id} uses ${ref}`).toBe(true);
      }
    }
  });

  it('runs independent provisioning in parallel', () => {
    const { plan } = runPlan([sample('mysql57-redis-apache')]);
    const rds = step(plan, 'provision-rds-mysql');
    const cache = step(plan, 'provision-cache-redis');
    expect(ancestors(plan, rds.id).has(cache.id)).toBe(false);
    expect(ancestors(plan, cache.id).has(rds.id)).toBe(false);
  });

  it('orders the phases of a cutover and sums the downtime window', () => {
    const { plan } = runPlan([sample('linode-systemd-postgres')]);
    expect(plan.phases).toEqual(['prepare', 'provision', 'copy', 'deploy', 'verify', 'freeze', 'final-sync', 'switch-dns', 'watch', 'decommission']);
    expect(plan.downtime.steps).toEqual(['freeze-writes', 'final-sync-db-postgres', 'final-sync-restart-apps', 'switch-dns']);
    expect(plan.downtime.maxMinutes).toBe(2 + 2 + 3 + 5);
  });

  it('is deterministic: same inputs, same bytes', () => {
    const a = runPlan([sample('two-apps')]).files;
    const b = runPlan([sample('two-apps')]).files;
    expect(b).toEqual(a);
  });

  it('publishes a JSON Schema for plan.json', () => {
    const schema = planJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['schemaVersion', 'steps', 'applicable']));
  });
});

describe('plan steps', () => {
  it('creates RDS outside the environment with deletion protection, private unless the copy path chosen needs it public', () => {
    const { plan } = runPlan([sample('linode-systemd-postgres')]);
    const rds = step(plan, 'provision-rds-postgres');
    const create = rds.actions.find((a) => a.kind === 'aws' && a.operation === 'CreateDBInstance');
    expect(create).toMatchObject({ params: { Engine: 'postgres', EngineVersion: '16', StorageType: 'gp3', DeletionProtection: true, ManageMasterUserPassword: true, PubliclyAccessible: false, Tags: [{ Key: 'skylift:migration', Value: 'example-shop-com' }] } });
    expect(JSON.stringify(step(plan, 'provision-security-groups').actions)).not.toContain('BoxIp');

    const open = runPlan([sample('linode-systemd-postgres')], { 'network.copyPath': 'public-locked' }).plan;
    expect(step(open, 'provision-rds-postgres').actions.find((a) => a.kind === 'aws' && a.operation === 'CreateDBInstance')).toMatchObject({ params: { PubliclyAccessible: true } });
    expect(JSON.stringify(step(open, 'provision-security-groups').actions)).toContain('prepare-preflight.BoxIp_root_198_51_100_23');
    expect(step(open, 'watch-close-copy-path').actions.map((a) => (a.kind === 'aws' ? a.operation : a.kind))).toEqual(['RevokeSecurityGroupIngress', 'ModifyDBInstance', 'wait', 'DescribeDBInstances']);
    expect(step(open, 'watch-close-copy-path').verify).toMatchObject([{ kind: 'verify', check: 'output', target: { value: { $ref: 'watch-close-copy-path.Public_postgres' } }, expect: { equals: false } }]);
    expect(plan.steps.some((s) => s.id === 'watch-close-copy-path')).toBe(false);
  });

  it('marks the DNS switch as the point of no return with a rollback that copies data back first', () => {
    const { plan } = runPlan([sample('node12-uploads-crons')], { 'app.legacy.dir.uploads': 's3', 'app.legacy.dir.tmp': 'ephemeral' });
    const sw = step(plan, 'switch-dns');
    expect(sw).toMatchObject({ pointOfNoReturn: true, inDowntime: true });
    if (sw.undo.kind !== 'actions') throw new Error('switch-dns must have an undo');
    const kinds = sw.undo.actions.map((a) => (a.kind === 'data-copy' ? `copy ${a.engine}` : a.kind === 'aws' ? a.operation : a.kind));
    expect(kinds).toEqual(['DescribeEnvironmentResources', 'DescribeListeners', 'ModifyListener', 'copy mariadb', 'copy files', 'manual']);
  });

  it('gives every step an undo, or marks it irreversible with the reason', () => {
    const { plan } = runPlan([sample('two-apps')]);
    for (const s of plan.steps) {
      if (s.undo.kind === 'actions') expect(s.undo.actions.length, s.id).toBeGreaterThan(0);
      else expect(s.undo.reason.length, s.id).toBeGreaterThan(10);
    }
    expect(plan.steps.filter((s) => s.undo.kind === 'irreversible').map((s) => s.id)).toEqual(['decommission-ubuntu-198-51-100-80']);
  });

  it('cannot be applied while a blocker is open', () => {
    const { plan } = runPlan([sample('postgis')]);
    expect(plan.applicable).toBe(false);
    expect(plan.openBlockers).toEqual([{ id: 'rds.postgres.gis.extension.timescaledb', title: expect.any(String), answerKey: 'db.postgres.gis.extension.timescaledb' }]);
    expect(runPlan([sample('postgis')], { 'db.postgres.gis.extension.timescaledb': 'exclude-extension' }).plan.applicable).toBe(true);
  });

  it('verifies a real WebSocket handshake through the new load balancer under the real name', () => {
    const { plan } = runPlan([sample('do-1click-socketio')]);
    const ws = step(plan, 'verify-chat').actions.find((a) => a.kind === 'verify' && a.check === 'websocket');
    expect(ws).toMatchObject({ target: { url: 'wss://chat.example.com/socket.io/?EIO=4&transport=websocket', connectTo: { $ref: 'provision-eb-chat.Cname' } }, expect: { status: 101 } });
  });

  it('keeps moved jobs disabled until after the switch', () => {
    const { plan } = runPlan([sample('mysql57-redis-apache')]);
    const rules = step(plan, 'provision-schedules-api').actions.filter((a) => a.kind === 'aws' && a.operation === 'PutRule');
    expect(rules.map((a) => (a.kind === 'aws' ? a.params.State : null))).toEqual(['DISABLED']);
    expect(step(plan, 'switch-schedules-api').dependsOn).toContain('switch-dns');
  });

  it('reuses an existing VPC by reading its public subnets, and blocks when its id is missing', () => {
    const { plan, design } = runPlan([sample('linode-systemd-postgres')], { 'network.vpc': 'existing', 'network.vpcId': 'vpc-0abc1234' });
    expect(design.resources.network).toMatchObject({ vpc: 'existing', vpcId: 'vpc-0abc1234' });
    expect(JSON.stringify(step(plan, 'provision-network').actions)).toContain('"Values":["vpc-0abc1234"]');
    expect(JSON.stringify(step(plan, 'provision-security-groups').actions)).toContain('"VpcId":"vpc-0abc1234"');
    expect(runPlan([sample('linode-systemd-postgres')], { 'network.vpc': 'existing' }).plan.openBlockers.map((b) => b.id)).toContain('network.vpc-id-missing');
  });

  it('stops the app on the box with the command that started it: at the freeze without nginx in front, after the switch behind nginx', () => {
    const pm2 = step(runPlan([sample('do-1click-socketio')]).plan, 'switch-stop-box-apps').actions[0];
    // A login shell: the user's HOME, so PM2_HOME is theirs (not root's); the pm2 the inventory found, with its node on PATH.
    expect(pm2).toMatchObject({ kind: 'remote', command: `runuser -l nodejs -c 'PATH=/usr/bin:"$PATH" /usr/bin/pm2 stop chat'`, sudo: true });
    const box = sample('do-1click-socketio');
    const noTool = { ...box, runtimes: { ...box.runtimes, tools: box.runtimes.tools.filter((t) => t.name !== 'pm2') } };
    // No pm2 found on the box's PATH: the one the SSH session's PATH finds, as the app's user.
    expect(step(runPlan([noTool]).plan, 'switch-stop-box-apps').actions[0]).toMatchObject({ command: 'runuser -u nodejs -- pm2 stop chat' });
    const systemd = step(runPlan([sample('linode-systemd-postgres')]).plan, 'switch-stop-box-apps').actions[0];
    expect(systemd).toMatchObject({ kind: 'remote', command: 'systemctl stop node.service' });
    const apache = step(runPlan([sample('mysql57-redis-apache')]).plan, 'freeze-writes').actions[0];
    expect(apache).toMatchObject({ kind: 'remote', command: expect.stringMatching(/^runuser -l deploy -c 'PATH=\/home\/deploy\/\.nvm\/versions\/node\/v16\.20\.2\/bin:"\$PATH" \/home\/deploy\/\.nvm\/versions\/node\/v16\.20\.2\/bin\/pm2 stop /) });
  });
});
