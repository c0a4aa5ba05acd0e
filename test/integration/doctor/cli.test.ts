import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../support/aws-double/index.js';
import { ebState } from '../../support/aws-double/services/eb-state.js';
import { cliEnv, skylift, startResolvingProxy } from '../runner/cli.js';
import { DROPPING_LOCATION, ECHO, SPEED, startDoctorWorld, type DoctorWorld } from './doctor-world.js';

const NAME = 'doc-cli';

let w: DoctorWorld;
let proxy: Awaited<ReturnType<typeof startResolvingProxy>>;
let env: NodeJS.ProcessEnv;
let common: string[];

beforeAll(async () => {
  w = await startDoctorWorld();
  proxy = await startResolvingProxy(w.session.double);
  env = cliEnv(w.home, w.session.user, proxy.url);
  common = ['--endpoint-url', w.session.double.endpoint, '--time-scale', String(5 / SPEED)];
  await w.environment({ name: NAME, options: [], files: { '.platform/nginx/conf.d/elasticbeanstalk/00_application.conf': DROPPING_LOCATION } });
}, 180_000);
afterAll(async () => {
  await proxy?.close();
  await w?.close();
});

const state = () => {
  const rec = [...ebState(w.session.double.world, DEFAULT_ACCOUNT, 'us-east-1').environments.values()].find((e) => e.env.EnvironmentName === NAME)!;
  return { version: rec.env.VersionLabel, options: rec.options.map((o) => `${o.Namespace} ${o.OptionName}=${o.Value}`).sort(), listeners: rec.resources!.lb!.classic.listeners };
};
const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe.sequential('skylift doctor (the CLI)', () => {
  it('names the causes with evidence, fixes them with --fix --yes, and skylift rollback undoes the fix', async () => {
    const before = state();
    const look = await skylift(['doctor', '--env', NAME, '--echo-event', ECHO, ...common], env);
    expect(look.code, look.stderr).toBe(2);
    expect(look.stdout).toContain('✘ [classic-layer7-listener]');
    expect(look.stdout).toContain('✘ [nginx-drops-upgrade]');
    expect(look.stdout).toContain('evidence: listener HTTP:80 → HTTP:80');
    // Looking changes nothing.
    expect(state()).toEqual(before);

    const fix = await skylift(['doctor', '--env', NAME, '--echo-event', ECHO, '--fix', '--yes', '--json', ...common], env);
    expect(fix.code, fix.stderr).toBe(0);
    const out = lines(fix.stdout);
    const diagnosis = out[0] as { type: string; plan: { migration: { name: string }; steps: { id: string }[] } };
    expect(diagnosis.type).toBe('diagnosis');
    const id = diagnosis.plan.migration.name;
    expect(diagnosis.plan.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['doctor-listeners-layer4', 'doctor-nginx-override', 'doctor-verify']));
    expect(out.at(-1)).toMatchObject({ id, result: 'completed' });
    expect(state().listeners).toEqual([{ Protocol: 'TCP', LoadBalancerPort: 80, InstanceProtocol: 'TCP', InstancePort: 80 }]);
    expect(state().version).toBe(id);

    const undo = await skylift(['rollback', id, '--yes', '--json', ...common], env);
    expect(undo.code, undo.stderr).toBe(0);
    expect(state()).toEqual(before);
  });
});
