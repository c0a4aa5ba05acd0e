import { parse } from 'shell-quote';
import { describe, expect, it } from 'vitest';
import { ancestors } from '../../../shared/plan/dag.js';
import type { Action, PlanStep } from '../../../shared/schema/plan.js';
import { runPlan, sample, step } from './run-plan.js';

const commands = (actions: Action[]) => actions.flatMap((a) => (a.kind === 'remote' ? [a.command] : []));
const undoOf = (s: PlanStep) => (s.undo.kind === 'actions' ? s.undo : { actions: [], verify: [] });

describe('the write freeze', () => {
  it('behind nginx: a maintenance include tested before the reload, the database read-only, the apps left running', () => {
    const { plan } = runPlan([sample('linode-systemd-postgres')]);
    const freeze = step(plan, 'freeze-writes');
    expect(freeze).toMatchObject({ phase: 'freeze', inDowntime: true });
    const [nginx, db, ...rest] = commands(freeze.actions);
    expect(rest).toEqual([]);
    expect(nginx).toContain("'add_header Retry-After 120 always;' 'return 503;' > /etc/nginx/skylift-maintenance.conf");
    expect(nginx).toContain('sed -i --follow-symlinks');
    expect(nginx).toContain('/etc/nginx/sites-enabled/example-shop.com');
    expect(nginx!.indexOf('nginx -t -c /etc/nginx/nginx.conf ||')).toBeLessThan(nginx!.indexOf('nginx -s reload -c /etc/nginx/nginx.conf'));
    expect(db).toContain("'ALTER SYSTEM SET default_transaction_read_only = on'");
    expect(db).toContain('pg_terminate_backend(pid)');
    expect(db).toContain('runuser -u postgres --');
    expect(db).toContain('-p 5432 -d shop');
    expect(freeze.actions.every((a) => a.kind !== 'remote' || a.sudo)).toBe(true);
    expect(commands(freeze.actions).join('\n')).not.toMatch(/systemctl stop/);
    // The box checks the answer itself, at its own listener whatever DNS says, before the step counts as done.
    expect(nginx!.split('\n').pop()).toContain(`until code=$(curl -sk -m 2 -o /dev/null -w '%{http_code}' --resolve example-shop.com\\:443\\:127.0.0.1 https\\://example-shop.com/); [ "$code" = 503 ]`);
    expect(freeze.verify).toEqual([]);
  });

  it('undoes in reverse: the database writable first, then the include removed and nginx reloaded, checked on the box', () => {
    const undo = undoOf(step(runPlan([sample('linode-systemd-postgres')]).plan, 'freeze-writes'));
    const [db, nginx] = commands(undo.actions);
    expect(db).toContain("'ALTER SYSTEM RESET default_transaction_read_only'");
    expect(db).toContain("= off ]");
    expect(nginx).toContain("sed -i --follow-symlinks 's# include /etc/nginx/skylift-maintenance.conf;##'");
    expect(nginx).toContain('rm -f /etc/nginx/skylift-maintenance.conf');
    expect(nginx!.indexOf('nginx -t')).toBeLessThan(nginx!.indexOf('nginx -s reload'));
    expect(nginx!.split('\n').pop()).toContain('[ "$code" -ne 503 ]');
  });

  it('stops the apps after the switch, not before, and starts them again on undo', () => {
    const { plan } = runPlan([sample('linode-systemd-postgres')]);
    const stop = step(plan, 'switch-stop-box-apps');
    expect(stop.dependsOn).toEqual(['switch-dns']);
    expect(commands(stop.actions)).toEqual(['systemctl stop node.service']);
    expect(commands(undoOf(stop).actions)).toEqual(['systemctl start node.service']);
  });

  it('sits in the DAG after every copy and check, before the final sync and the switch', () => {
    const { plan } = runPlan([sample('linode-systemd-postgres')]);
    const before = ancestors(plan, 'freeze-writes');
    for (const s of plan.steps.filter((x) => x.phase === 'copy' || x.phase === 'verify')) expect(before.has(s.id), s.id).toBe(true);
    for (const id of ['final-sync-db-postgres', 'switch-dns']) expect(ancestors(plan, id).has('freeze-writes'), id).toBe(true);
    const order = plan.steps.map((s) => s.id);
    expect(order.indexOf('freeze-writes')).toBeLessThan(order.indexOf('final-sync-db-postgres'));
  });

  it('without nginx in front, stops the apps at the freeze; MySQL gets super_read_only, MariaDB read_only', () => {
    const mysql = step(runPlan([sample('mysql57-redis-apache')]).plan, 'freeze-writes');
    const [app, db] = commands(mysql.actions);
    expect(app).toMatch(/^runuser -l deploy -c '.*\/pm2 stop /);
    expect(db).toContain("'SET GLOBAL read_only = ON; SET GLOBAL super_read_only = ON'");
    expect(commands(mysql.actions).join('\n')).not.toContain('nginx');
    expect(commands(undoOf(mysql).actions)).toEqual([expect.stringContaining("'SET GLOBAL read_only = OFF'"), expect.stringMatching(/^runuser -l deploy -c '.*\/pm2 start /)]);
    const maria = commands(step(runPlan([sample('node12-uploads-crons')]).plan, 'freeze-writes').actions).join('\n');
    expect(maria).toContain("'SET GLOBAL read_only = ON'");
    expect(maria).not.toContain('super_read_only');
  });

  it('stops the apps when the nginx config was not read', () => {
    const inv = sample('linode-systemd-postgres');
    inv.webServers.nginx!.configRead = false;
    const { plan, design } = runPlan([inv]);
    expect(design.resources.freeze).toEqual([{ label: inv.target.label, nginx: null }]);
    expect(commands(step(plan, 'freeze-writes').actions)[0]).toBe('systemctl stop node.service');
    expect(plan.steps.some((s) => s.id === 'switch-stop-box-apps')).toBe(false);
  });

  it('quotes file and database names from the box', () => {
    const inv = sample('linode-systemd-postgres');
    const file = "/etc/nginx/sites-enabled/it's shop; rm -rf /";
    for (const s of inv.webServers.nginx!.servers) s.file = file;
    inv.databases.postgres[0]!.databases[1]!.name = "sh'op $(id)";
    const [nginx, db] = commands(step(runPlan([inv]).plan, 'freeze-writes').actions);
    const loop = nginx!.split('\n').find((l) => l.startsWith('for f in '))!;
    expect(parse(loop.replace(/^for f in /, '').replace(/; do$/, ''))).toEqual([file]);
    const fn = db!.split('\n').find((l) => l.startsWith('sky_psql()'))!;
    expect(parse(fn.slice(fn.indexOf(' -d ') + 4, fn.indexOf(' -X')))).toEqual(["sh'op $(id)"]);
  });

  it('the runbook and the rollback checklist mark the switch and give the reverse copy', () => {
    const { files, plan } = runPlan([sample('linode-systemd-postgres')]);
    const md = files['plan.md']!;
    expect(md).toContain('- Write freeze: from `freeze-writes` until `switch-dns` is done; the runner measures it (`skylift status`).');
    expect(md).toContain('- From here on, writes land on AWS: going back means copying them to the box first');
    const rb = files['rollback.md']!;
    const reverse = rb.slice(rb.indexOf('## After the switch: the reverse copy'), rb.indexOf('## Where to start'));
    const entry = (id: string) => plan.steps.length - plan.steps.findIndex((s) => s.id === id);
    expect(reverse).toContain(`From \`switch-dns\` on (R${entry('switch-dns')})`);
    expect(reverse).toContain('nginx keeps answering 503');
    expect(reverse).toContain("'ALTER SYSTEM RESET default_transaction_read_only'");
    expect(reverse).toContain('- Copy data: postgres, dump-restore');
    expect(reverse).toContain(`7. Undo the freeze (R${entry('freeze-writes')})`);
    expect(reverse.indexOf('3. Let the copy write')).toBeLessThan(reverse.indexOf('4. Copy back'));
  });
});
