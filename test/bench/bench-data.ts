/**
 * `npm run bench:data` (not in CI): on the same generated data (BENCH_DATA_MB, default 300),
 * Skylift's copy against the raw pipe it replaces — `ssh box pg_dump | psql` and
 * `ssh box mariadb-dump | mariadb` — as whole-process medians (goal: ratio <= 1.1); then
 * Skylift's peak memory (VmHWM) while moving BENCH_BIG_MB (default 1024) of PostgreSQL, against
 * the smaller copy (goal: under 200 MB and flat, not growing with size).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startMariadb, startPostgres, type MariadbService, type PostgresService } from '../support/services.js';
import { startBox, type TestBox } from '../integration/data/box.js';

const REPO = resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DATA_MB = Number(process.env.BENCH_DATA_MB ?? 300);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 1024);
const PASSWORD = 'bench-master-pw';
/** Rows of ~250 bytes of dump text each. */
const rowsFor = (mb: number): number => Math.round((mb * 1024 * 1024) / 250);

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface Sample {
  wallMs: number;
  /** Peak resident memory of the measured process (Skylift runs only), bytes. */
  peakBytes: number | null;
}

/** Runs a command line; with `watchPeak`, the whole-run peak RSS of its Node child from /proc (VmHWM). */
function measure(cmdline: string, watchPeak = false): Promise<Sample> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', watchPeak ? `exec ${cmdline}` : cmdline], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let peak = 0;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = watchPeak
      ? setInterval(() => {
          void readFile(`/proc/${child.pid}/status`, 'utf8').then(
            (s) => (peak = Math.max(peak, Number(/^VmHWM:\s*(\d+)/m.exec(s)?.[1] ?? 0) * 1024)),
            () => undefined,
          );
        }, 50)
      : null;
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return fail(new Error(`exit ${code}: ${cmdline}\n${err.slice(-2000)}`));
      done({ wallMs, peakBytes: watchPeak ? peak : null });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Runs `RUNS` times, each into a fresh target database made by `fresh(i)`; prints and returns the medians. */
async function series(name: string, fresh: (i: number) => Promise<string>, watchPeak = false): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await measure(await fresh(i), watchPeak));
  return report(name, samples, watchPeak);
}

function report(name: string, samples: Sample[], watchPeak: boolean): Sample {
  const result = { wallMs: median(samples.map((s) => s.wallMs)), peakBytes: watchPeak ? Math.max(...samples.map((s) => s.peakBytes ?? 0)) : null };
  console.log(`${name.padEnd(46)} median ${(result.wallMs / 1000).toFixed(2).padStart(7)} s${result.peakBytes ? `, peak RSS ${mb(result.peakBytes)}` : ''}`);
  return result;
}

/**
 * The baseline and Skylift, interleaved run by run (the order alternating), so that load from
 * anything else on the machine weighs on both alike; the ratio is the median of per-run ratios.
 */
async function pair(raw: { name: string; fresh: (i: number) => Promise<string> }, sky: { name: string; fresh: (i: number) => Promise<string> }): Promise<{ raw: Sample; sky: Sample; ratio: number }> {
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      a.push(await measure(await raw.fresh(i)));
      b.push(await measure(await sky.fresh(i), true));
    } else {
      b.push(await measure(await sky.fresh(i), true));
      a.push(await measure(await raw.fresh(i)));
    }
  }
  return { raw: report(raw.name, a, false), sky: report(sky.name, b, true), ratio: median(a.map((s, i) => b[i]!.wallMs / s.wallMs)) };
}

async function seedPostgres(pg: PostgresService, db: string, sizeMb: number): Promise<void> {
  await pg.query(`create database ${db}`);
  await pg.query(
    `create table events (id bigint primary key, at timestamptz not null, kind text, payload jsonb, body text);
     insert into events select g, now() - (g || ' seconds')::interval, (array['click', 'view', 'buy'])[1 + g % 3],
       jsonb_build_object('user', g % 1000, 'tags', jsonb_build_array('a', 'b')), repeat(md5(g::text), 4)
     from generate_series(1, ${rowsFor(sizeMb)}) g;`,
    db,
  );
}

async function seedMariadb(my: MariadbService, sizeMb: number): Promise<void> {
  await my.sql(
    `create database bench; use bench; create table bench.events (id bigint primary key, at datetime(6) not null, kind varchar(10), payload json, body text) engine = InnoDB;
     insert into bench.events select seq, now(6) - interval seq second, elt(1 + seq % 3, 'click', 'view', 'buy'),
       json_object('user', seq % 1000, 'tags', json_array('a', 'b')), repeat(md5(seq), 4) from seq_1_to_${rowsFor(sizeMb)};`,
  );
}

async function main(): Promise<void> {
  console.log(`Generating ${DATA_MB} MB in PostgreSQL and MariaDB (+ ${BIG_MB} MB in PostgreSQL) on the loopback box…`);
  const box: TestBox = await startBox();
  // MariaDB instances one at a time: concurrent mariadb-install-db runs collide in /tmp.
  const [pgSrc, pgDst, mySrc] = await Promise.all([startPostgres(), startPostgres(), startMariadb()]);
  const myDst = await startMariadb();
  try {
    await Promise.all([seedPostgres(pgSrc, 'bench', DATA_MB), seedMariadb(mySrc, DATA_MB)]);
    await pgDst.query(`create role master login password '${PASSWORD}' createdb`);
    await myDst.sql(`create user 'master'@'127.0.0.1' identified by '${PASSWORD}'; grant all on *.* to 'master'@'127.0.0.1';`);

    const ssh = `ssh -q -p ${box.sshd.port} -i ${q(box.keyPath)} -o BatchMode=yes -o UserKnownHostsFile=${q(box.knownHosts)} -o StrictHostKeyChecking=yes root@127.0.0.1`;
    const skylift = `node ${q(resolve(REPO, 'bin/skylift.js'))} data copy ${box.destination} -i ${q(box.keyPath)} --known-hosts ${q(box.knownHosts)} --ssh-config /dev/null --json`;
    const pgDump = `setpriv --reuid=postgres --regid=postgres --init-groups -- /usr/lib/postgresql/15/bin/pg_dump -h ${pgSrc.socketDir} -p ${pgSrc.port} --format=plain --no-owner --no-publications --no-subscriptions --no-security-labels --no-tablespaces --encoding=UTF8`;
    const pgTarget = (db: string) => `postgres://master:${PASSWORD}@127.0.0.1:${pgDst.port}/${db}?sslmode=disable`;
    const myDump = `mariadb-dump --protocol=socket -S ${mySrc.socket} -uroot --single-transaction --routines --triggers --events --hex-blob --default-character-set=utf8mb4 --no-tablespaces`;
    const freshPg = async (db: string) => {
      await pgDst.query(`drop database if exists ${db}`);
      await pgDst.query(`create database ${db} owner master`);
    };
    const freshMy = async (db: string) => myDst.sql(`drop database if exists ${db}; create database ${db};`);

    // Every skylift command pays the CLI's own start-up, whatever it does: shown apart.
    const startup = await series('(skylift --help: CLI start-up alone)', async () => `node ${q(resolve(REPO, 'bin/skylift.js'))} --help > /dev/null`, true);

    console.log(`\nPostgreSQL, ${DATA_MB} MB (${RUNS} runs each, interleaved, fresh target database per run):`);
    const ratio = (r: { sky: Sample; ratio: number }): string =>
      `  ratio: ${r.ratio.toFixed(2)}x (goal <= 1.1); with the CLI start-up taken out: ${((r.sky.wallMs - startup.wallMs) / (r.sky.wallMs / r.ratio)).toFixed(2)}x`;
    const pgRun = await pair(
      {
        name: 'ssh box pg_dump | psql --single-transaction',
        fresh: async (i) => {
          await freshPg(`raw${i}`);
          return `${ssh} ${q(`${pgDump} bench`)} | psql -X -q -v ON_ERROR_STOP=1 --single-transaction ${q(pgTarget(`raw${i}`))} > /dev/null`;
        },
      },
      {
        name: 'skylift data copy --engine postgres --no-verify',
        fresh: async (i) => {
          await freshPg(`sky${i}`);
          return `${skylift} --engine postgres --database bench --source-host ${pgSrc.socketDir} --source-port ${pgSrc.port} --to ${q(pgTarget(`sky${i}`))} --no-verify > /dev/null`;
        },
      },
    );
    console.log(ratio(pgRun));
    await series('  skylift data verify (same data, both sides)', async () => `node ${q(resolve(REPO, 'bin/skylift.js'))} data verify ${box.destination} -i ${q(box.keyPath)} --known-hosts ${q(box.knownHosts)} --ssh-config /dev/null --json --engine postgres --database bench --source-host ${pgSrc.socketDir} --source-port ${pgSrc.port} --against ${q(pgTarget('sky0'))} > /dev/null`);

    const myTarget = (db: string) => `mysql://master:${PASSWORD}@127.0.0.1:${myDst.port}/${db}?ssl-mode=DISABLED`;
    console.log(`\nMariaDB, ${DATA_MB} MB:`);
    const myRun = await pair(
      {
        name: 'ssh box mariadb-dump | mariadb',
        fresh: async (i) => {
          await freshMy(`raw${i}`);
          return `${ssh} ${q(`${myDump} bench`)} | mariadb -h 127.0.0.1 -P ${myDst.port} -umaster -p${PASSWORD} raw${i}`;
        },
      },
      {
        name: 'skylift data copy --engine mysql --no-verify',
        fresh: async (i) => {
          await myDst.sql(`drop database if exists sky${i}`);
          return `${skylift} --engine mysql --database bench --source-socket ${mySrc.socket} --to ${q(myTarget(`sky${i}`))} --no-verify > /dev/null`;
        },
      },
    );
    console.log(ratio(myRun));

    console.log(`\nPeak memory, PostgreSQL ${BIG_MB} MB vs ${DATA_MB} MB:`);
    await seedPostgres(pgSrc, 'big', BIG_MB);
    const size = (await pgSrc.query("select pg_database_size('big') as b")).rows[0].b as string;
    console.log(`  source database size on disk: ${mb(Number(size))}`);
    const big = await measure(`${skylift} --engine postgres --database big --source-host ${pgSrc.socketDir} --source-port ${pgSrc.port} --to ${q(pgTarget('bigcopy'))} --no-verify > /dev/null`, true);
    console.log(`  ${BIG_MB} MB copy: ${(big.wallMs / 1000).toFixed(1)} s, peak RSS ${mb(big.peakBytes ?? 0)} (${DATA_MB} MB copy: ${mb(pgRun.sky.peakBytes ?? 0)}; CLI start-up alone: ${mb(startup.peakBytes ?? 0)}); goal: < 200 MB and flat`);
  } finally {
    await box.stop();
    await Promise.all([pgSrc.stop(), pgDst.stop(), mySrc.stop(), myDst.stop()]);
  }
}

await main();
