/**
 * `npm run bench:inventory`: whole-process medians on the loopback test box, as ratios against
 * baselines measured in the same run — OpenSSH running the very same probe (the floor for this
 * design) and Ansible's fact gathering — then 50 boxes at once against 50 concurrent OpenSSH runs.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { probeCommand } from '../../shared/inventory/probe-script.js';
import { probeScript } from '../../electron/engine/inventory/run-probe.js';
import { authorizeKey, makeUserKey, startSshd, tempDir } from '../support/sshd.js';

const REPO = resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FLEET = Number(process.env.BENCH_FLEET ?? 50);

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** Runs a shell command line; bash's `times` reports the children's CPU (user + system). */
function measure(cmdline: string, env: NodeJS.ProcessEnv = process.env): Promise<Sample> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', `${cmdline}\ntimes`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return fail(new Error(`exit ${code}: ${cmdline}\n${err.slice(-2000)}`));
      // `times` prints two lines: the shell's own, then its children's ("0m0.123s 0m0.045s").
      const child = out.trim().split('\n').at(-1) ?? '';
      const secs = [...child.matchAll(/(\d+)m([\d.]+)s/g)].reduce((t, m) => t + Number(m[1]) * 60 + Number(m[2]), 0);
      done({ wallMs, cpuMs: secs * 1000 });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

interface Contender {
  name: string;
  cmdline: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the contenders in rounds (A B C, A B C, …) so that load drifting over time hits each alike. */
async function compare(contenders: Contender[]): Promise<Sample[]> {
  for (const c of contenders) await measure(c.cmdline, c.env); // warm-up: page cache, sshd's first fork
  const samples: Sample[][] = contenders.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, c] of contenders.entries()) samples[k]!.push(await measure(c.cmdline, c.env));
  }
  return contenders.map((c, k) => {
    const result = { wallMs: median(samples[k]!.map((s) => s.wallMs)), cpuMs: median(samples[k]!.map((s) => s.cpuMs)) };
    console.log(`${c.name.padEnd(44)} median ${result.wallMs.toFixed(0).padStart(6)} ms wall, ${result.cpuMs.toFixed(0).padStart(5)} ms client CPU`);
    return result;
  });
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<void> {
  const dir = await tempDir('skylift-bench-');
  const sshd = await startSshd({ maxStartups: '200:30:400', maxSessions: 100, logLevel: 'INFO' });
  try {
    const key = await makeUserKey(dir, { type: 'ed25519' });
    await authorizeKey(sshd, 'root', key.publicKey);
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    const probe = join(dir, 'probe.sh');
    await writeFile(probe, probeScript());
    const dest = `root@127.0.0.1:${sshd.port}`;
    const env = { ...process.env, SKYLIFT_HOME: dir };

    const skylift = (n: number): string =>
      `node ${q(join(REPO, 'bin/skylift.js'))} inventory ${Array(n).fill(dest).join(' ')} -i ${q(key.path)} --known-hosts ${q(knownHosts)} --json -o /dev/null`;
    const openssh = `ssh -q -p ${sshd.port} -i ${q(key.path)} -o BatchMode=yes -o UserKnownHostsFile=${q(knownHosts)} -o StrictHostKeyChecking=yes root@127.0.0.1 ${q(probeCommand({ sudo: true }))} < ${q(probe)} > /dev/null`;
    const ansible =
      `ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_SSH_ARGS='-o UserKnownHostsFile=${knownHosts}' ` +
      `ansible all -i 127.0.0.1, -u root -e ansible_port=${sshd.port} --private-key ${q(key.path)} -m setup > /dev/null`;

    const hasAnsible = await measure('command -v ansible >/dev/null').then(() => true, () => false);
    console.log(`One box (${RUNS} rounds, medians):`);
    const [one, floor, setup] = await compare([
      { name: 'skylift inventory', cmdline: skylift(1), env },
      { name: 'ssh box sh -s < probe.sh (same probe)', cmdline: openssh },
      ...(hasAnsible ? [{ name: 'ansible -m setup', cmdline: ansible }] : []),
    ]);
    console.log(`  ratio vs OpenSSH, same probe: ${(one!.wallMs / floor!.wallMs).toFixed(2)}x (goal <= 1.3)`);
    if (setup) console.log(`  ratio vs Ansible setup: ${(one!.wallMs / setup.wallMs).toFixed(2)}x (goal < 1)`);
    else console.log('  Ansible not installed (apt-get install ansible-core): its baseline was skipped');

    console.log(`\n${FLEET} boxes at once (one sshd, MaxStartups raised; client and box share the cores):`);
    const [fleet, fleetFloor] = await compare([
      { name: `skylift inventory x${FLEET}`, cmdline: skylift(FLEET), env },
      { name: `${FLEET} concurrent OpenSSH runs`, cmdline: `for i in $(seq ${FLEET}); do ${openssh} & done; wait` },
    ]);
    console.log(`  ratio: ${(fleet!.wallMs / fleetFloor!.wallMs).toFixed(2)}x (goal <= 1.3)`);
    console.log(`  client CPU per box: skylift ${(fleet!.cpuMs / FLEET).toFixed(1)} ms, OpenSSH ${(fleetFloor!.cpuMs / FLEET).toFixed(1)} ms`);
  } finally {
    await sshd.stop();
  }
}

await main();
