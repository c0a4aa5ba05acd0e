import type { EnvironmentDescription } from '@aws-sdk/client-elastic-beanstalk';
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { PlanStep, VerifyAction } from '../../../shared/schema/plan.js';
import { socketIoCheck } from '../doctor/verify-socketio.js';
import { callAws } from './aws-call.js';
import { compareCopy } from './exec-data.js';
import { fqdn, recordSetsOf } from './exec-dns.js';
import { RunnerError } from './errors.js';
import type { Budget, Run } from './run.js';

type Obj = Record<string, Json>;
interface Verdict {
  ok: boolean;
  detail: string;
}

const asObj = (v: Json): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});
const str = (v: Json | undefined): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const sameName = (a: string, b: string) => fqdn(a) === fqdn(b);

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function contains(haystack: Json, needle: Json): boolean {
  if (!Array.isArray(haystack)) return false;
  const n = asObj(needle);
  return haystack.some((h) => Object.entries(n).every(([k, v]) => deepEqual(asObj(h)[k] ?? null, v)));
}

/** `account` and `output` checks: values already known. */
function compare(run: Run, check: VerifyAction['check'], target: Obj, expect: Obj): Verdict {
  const value = check === 'account' ? (target.account ?? null) : (target.value ?? null);
  if (check === 'account') {
    const want = run.plan.migration.accountId ?? run.state.migration?.account ?? null;
    return { ok: want === null || value === want, detail: `account ${str(value)}${want ? `, plan wants ${want}` : ''}` };
  }
  if ('equals' in expect) return { ok: deepEqual(value, expect.equals ?? null), detail: `got ${str(value)}, want ${str(expect.equals)}` };
  if ('contains' in expect) return { ok: contains(value, expect.contains ?? null), detail: `want an element like ${str(expect.contains)}` };
  return { ok: false, detail: `no expectation the runner understands: ${str(expect)}` };
}

async function environment(run: Run, name: string): Promise<EnvironmentDescription | undefined> {
  const got = await callAws(run.clients, 'elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [name], IncludeDeleted: false });
  return (got.Environments as EnvironmentDescription[] | undefined)?.[0];
}

const HEALTH_STATUS: Record<string, string> = { Green: 'Ok', Yellow: 'Warning', Red: 'Severe', Grey: 'Unknown' };

async function ebHealth(run: Run, target: Obj, expect: Obj): Promise<Verdict> {
  const name = str(target.environment);
  const env = await environment(run, name);
  if (!env) return { ok: false, detail: `environment ${name} not found` };
  // Basic health reports only a colour; enhanced health reports a status too.
  const status = env.HealthStatus ?? HEALTH_STATUS[env.Health ?? 'Grey'] ?? 'Unknown';
  const wants = Array.isArray(expect.HealthStatus) ? expect.HealthStatus.map(str) : [];
  const ok = (!expect.Status || env.Status === expect.Status) && (env.Status === 'Ready') && (wants.length === 0 || wants.includes(status)) && (!expect.VersionLabel || env.VersionLabel === expect.VersionLabel);
  return { ok, detail: `${name} is ${env.Status}, health ${env.Health}${env.HealthStatus ? ` (${env.HealthStatus})` : ''}, version ${env.VersionLabel ?? 'none'}` };
}

async function certificate(run: Run, target: Obj, expect: Obj): Promise<Verdict> {
  const got = await callAws(run.clients, 'acm', 'DescribeCertificate', { CertificateArn: str(target.certificateArn) });
  const cert = (got.Certificate ?? {}) as { Status?: string; SubjectAlternativeNames?: string[] };
  const names = Array.isArray(expect.names) ? expect.names.map(str) : [];
  const missing = names.filter((n) => !(cert.SubjectAlternativeNames ?? []).includes(n));
  return { ok: cert.Status === (expect.status ?? 'ISSUED') && missing.length === 0, detail: `certificate is ${cert.Status}${missing.length ? `, missing ${missing.join(', ')}` : ''}` };
}

/** The Route 53 zone holding a name (longest matching zone), if the account has one. */
async function zoneFor(run: Run, name: string): Promise<string | null> {
  const labels = fqdn(name).split('.').filter(Boolean);
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = `${labels.slice(i).join('.')}.`;
    const got = await callAws(run.clients, 'route53', 'ListHostedZonesByName', { DNSName: candidate, MaxItems: '1' });
    const zone = (got.HostedZones as { Id?: string; Name?: string; Config?: { PrivateZone?: boolean } }[] | undefined)?.[0];
    if (zone && sameName(zone.Name ?? '', candidate) && !zone.Config?.PrivateZone) return zone.Id!.replace(/^\/?hostedzone\//, '');
  }
  return null;
}

/** The rollback's expectation (shared/plan/steps-cutover): the records the switch found, as the journal keeps them. */
const JOURNALED = 'the values journaled before the switch';

/** A DNS check: against the Route 53 zone when the name lives there (authoritative), else through the system resolver. */
async function dnsCheck(run: Run, target: Obj, expect: Obj): Promise<Verdict> {
  const name = str(target.name);
  if (!name) return { ok: false, detail: `no name to check in ${str(target)}` };
  const zone = await zoneFor(run, name);
  if (zone) {
    const sets = await recordSetsOf(run, zone, name);
    const values = sets.flatMap((s) => (s.AliasTarget ? [s.AliasTarget.DNSName ?? ''] : (s.ResourceRecords ?? []).map((r) => r.Value ?? '')));
    const shown = sets.map((s) => `${s.Type} ${s.AliasTarget ? `alias ${s.AliasTarget.DNSName}` : `${values.join(',')} ttl ${s.TTL}`}`).join('; ') || 'no records';
    if (expect.maxTtl !== undefined) return { ok: sets.length > 0 && sets.every((s) => s.AliasTarget || (s.TTL ?? Infinity) <= Number(expect.maxTtl)), detail: `${name}: ${shown}` };
    if (expect.resolvesTo === JOURNALED) {
      const before = run.state.dnsBefore.find((d) => d.zone === zone && sameName(d.name, name));
      const want = ((before?.recordSets ?? []) as { ResourceRecords?: { Value?: string }[]; AliasTarget?: { DNSName?: string } }[]).flatMap((s) => (s.AliasTarget ? [s.AliasTarget.DNSName ?? ''] : (s.ResourceRecords ?? []).map((r) => r.Value ?? '')));
      const same = before !== undefined && want.length === values.length && want.every((w) => values.some((v) => sameName(v, w)));
      return { ok: same, detail: `${name}: ${shown}, want ${want.join(',') || '(nothing journaled)'} as before the switch` };
    }
    if (typeof expect.resolvesTo === 'string') return { ok: values.some((v) => sameName(v, str(expect.resolvesTo))), detail: `${name}: ${shown}, want ${str(expect.resolvesTo)}` };
    return { ok: false, detail: `no DNS expectation the runner understands: ${str(expect)}` };
  }
  if (typeof expect.resolvesTo === 'string') {
    const cnames: string[] = await dns.resolveCname(name).catch(() => []);
    if (cnames.some((c) => sameName(c, str(expect.resolvesTo)))) return { ok: true, detail: `${name} is a CNAME to ${cnames.join(', ')}` };
    const none: string[] = [];
    const [mine, theirs] = await Promise.all([dns.resolve4(name).catch(() => none), dns.resolve4(str(expect.resolvesTo)).catch(() => none)]);
    return { ok: mine.length > 0 && mine.every((a) => theirs.includes(a)), detail: `${name} resolves to ${mine.join(', ') || 'nothing'}, ${str(expect.resolvesTo)} to ${theirs.join(', ') || 'nothing'}` };
  }
  if (expect.maxTtl !== undefined) {
    const answers = await dns.resolve4(name, { ttl: true }).catch(() => []);
    return { ok: answers.length > 0 && answers.every((a) => a.ttl <= Number(expect.maxTtl)), detail: `${name}: ${answers.map((a) => `${a.address} ttl ${a.ttl}`).join(', ') || 'no answer'}` };
  }
  return { ok: false, detail: `no DNS expectation the runner understands: ${str(expect)}` };
}

interface Probe {
  url: URL;
  connectTo: string | null;
}

function probe(target: Obj): Probe | null {
  try {
    return { url: new URL(str(target.url)), connectTo: typeof target.connectTo === 'string' ? target.connectTo : null };
  } catch {
    return null;
  }
}

/** A request to the URL's name, sent to `connectTo` (the environment) when given: checks the new side before DNS points there. */
function send(run: Run, p: Probe, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; upgraded: boolean; socket?: Socket; res?: IncomingMessage }> {
  const secure = p.url.protocol === 'https:' || p.url.protocol === 'wss:';
  const port = Number(p.url.port || (secure ? 443 : 80));
  const request = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const host = p.connectTo ?? p.url.hostname;
    const open = run.opts.connect;
    const req = request({
      host,
      port,
      path: `${p.url.pathname}${p.url.search}`,
      method: 'GET',
      headers: { host: p.url.host, ...headers },
      servername: p.url.hostname,
      timeout: timeoutMs,
      ...(open
        ? {
            // Node accepts an asynchronous createConnection (callback form); its types only show the synchronous one.
            createConnection: ((_o: unknown, done: (err: Error | null, socket?: Socket) => void) => {
              open(host, port).then(
                (raw) => done(null, secure ? tlsConnect({ socket: raw, servername: p.url.hostname }) : raw),
                (err: Error) => done(err),
              );
              return undefined;
            }) as unknown as () => Socket,
          }
        : { agent: false }),
    });
    req.on('upgrade', (res: IncomingMessage, socket) => resolve({ status: res.statusCode ?? 0, upgraded: true, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, upgraded: false, res });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function inRange(status: number, spec: Json | undefined): boolean {
  if (typeof spec === 'number') return status === spec;
  const m = /^(\d{3})-(\d{3})$/.exec(str(spec));
  return m ? status >= Number(m[1]) && status <= Number(m[2]) : status >= 200 && status < 400;
}

async function httpCheck(run: Run, target: Obj, expect: Obj): Promise<Verdict> {
  const p = probe(target);
  if (!p) return { ok: false, detail: `not a URL: ${str(target.url)}` };
  try {
    const r = await send(run, p, {}, Math.max(1000, run.scaled(30_000)));
    const ok = expect.statusNot !== undefined ? r.status !== Number(expect.statusNot) : inRange(r.status, expect.status);
    return { ok, detail: `${p.url.href}${p.connectTo ? ` via ${p.connectTo}` : ''} answered ${r.status}` };
  } catch (err) {
    return { ok: false, detail: `${p.url.href}${p.connectTo ? ` via ${p.connectTo}` : ''}: ${(err as Error).message}` };
  }
}

/** A real WebSocket (Socket.IO) handshake: 101, then the connection must stay open for the hold time. */
async function websocketCheck(run: Run, target: Obj, expect: Obj): Promise<Verdict> {
  const p = probe(target);
  if (!p) return { ok: false, detail: `not a URL: ${str(target.url)}` };
  if (p.url.pathname.includes('socket.io') && !p.url.searchParams.has('EIO')) {
    p.url.searchParams.set('EIO', '4');
    p.url.searchParams.set('transport', 'websocket');
  }
  try {
    const r = await send(run, p, { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') }, Math.max(1000, run.scaled(30_000)));
    if (!r.upgraded || r.status !== Number(expect.status ?? 101)) return { ok: false, detail: `${p.url.href} answered ${r.status} to the WebSocket upgrade` };
    const socket = r.socket!;
    const holdMs = run.scaled(Number(expect.holdSeconds ?? 0) * 1000);
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), holdMs);
      socket.once('close', () => (clearTimeout(timer), resolve(true)));
    });
    socket.destroy();
    return { ok: !closed, detail: closed ? `${p.url.href}: upgraded, then closed within ${expect.holdSeconds} s` : `${p.url.href}: 101 Switching Protocols, held open ${expect.holdSeconds ?? 0} s` };
  } catch (err) {
    return { ok: false, detail: `${p.url.href}: ${(err as Error).message}` };
  }
}

/** The next CreateEnvironment/UpdateEnvironment of the step, values resolved: its properties must fit EB's 4096 characters. */
async function envSize(run: Run, step: PlanStep, expect: Obj): Promise<Verdict> {
  const call = step.actions.find((a) => a.kind === 'aws' && /^(Create|Update)Environment$/.test(a.operation));
  if (!call || call.kind !== 'aws') return { ok: false, detail: 'no environment call in this step' };
  const { value } = await run.resolve(call.params.OptionSettings ?? []);
  const settings = (Array.isArray(value) ? value : []).map(asObj).filter((s) => s.Namespace === 'aws:elasticbeanstalk:application:environment');
  const size = settings.reduce((n, s) => n + str(s.OptionName).length + str(s.Value).length, 0);
  const max = Number(expect.maxCharacters ?? 4096);
  return { ok: size <= max, detail: `environment properties total ${size} characters (limit ${max})` };
}

/**
 * `row-counts` where the plan wants the sides equal (after the final sync, after a copy back):
 * the step's own copy of those databases, compared table by table on both sides.
 */
async function rowCounts(run: Run, step: PlanStep, target: Obj): Promise<Verdict> {
  const box = asObj((typeof target.source === 'object' ? target.source : target.target) ?? null);
  const copy = [...step.actions, ...(step.undo.kind === 'actions' ? step.undo.actions : [])].find(
    (a) => a.kind === 'data-copy' && [a.source, a.target].some((end) => asObj(end as Json).host === box.host && asObj(end as Json).port === box.port),
  );
  if (!copy || copy.kind !== 'data-copy') return { ok: false, detail: `no copy of the databases on ${str(box.host)} port ${str(box.port)} in ${step.id}` };
  const reports = await compareCopy(run, copy);
  const tables = reports.reduce((n, r) => n + r.tables.length, 0);
  const mismatches = reports.flatMap((r) => r.mismatches);
  return { ok: reports.length > 0 && mismatches.length === 0, detail: mismatches.length ? mismatches.slice(0, 5).join('; ') : `${reports.map((r) => r.database).join(', ')}: ${tables} table(s) equal on the box and on AWS` };
}

const POLLED = new Set<VerifyAction['check']>(['eb-health', 'acm-issued', 'dns', 'http', 'websocket', 'socketio']);

/** Checks the runner can make by itself (the rest a person confirms). */
export function automatic(action: VerifyAction): boolean {
  if (action.check === 'http' && asObj(action.target as Json).via === 'ssh') return false;
  if (action.check === 'row-counts') return asObj(action.expect as Json).rows === 'equal';
  // Comparing a whole zone between two providers' name servers is a person's check (the import reads its records back itself).
  if (action.check === 'dns' && asObj(action.target as Json).compare !== undefined) return false;
  return POLLED.has(action.check) || action.check === 'account' || action.check === 'output' || action.check === 'env-size';
}

async function once(run: Run, step: PlanStep, action: VerifyAction, target: Obj, expect: Obj): Promise<Verdict> {
  switch (action.check) {
    case 'account':
    case 'output':
      return compare(run, action.check, target, expect);
    case 'env-size':
      return envSize(run, step, expect);
    case 'row-counts':
      return rowCounts(run, step, target);
    case 'eb-health':
      return ebHealth(run, target, expect);
    case 'acm-issued':
      return certificate(run, target, expect);
    case 'dns':
      return dnsCheck(run, target, expect);
    case 'http':
      return httpCheck(run, target, expect);
    case 'websocket':
      return websocketCheck(run, target, expect);
    case 'socketio':
      return socketIoCheck(run, target, expect);
    default:
      return { ok: false, detail: `the runner cannot check ${action.check} by itself` };
  }
}

/** A `verify` action; conditions that settle with time (health, DNS, a load balancer) are polled within the step's budget. */
export async function verifyAction(run: Run, step: PlanStep, key: string, action: VerifyAction, budget: Budget): Promise<string> {
  const target = asObj((await run.resolve(action.target as Json)).value);
  const expect = asObj((await run.resolve(action.expect as Json)).value);
  let last: Verdict = { ok: false, detail: 'not checked' };
  for (;;) {
    run.checkCancelled();
    last = await once(run, step, action, target, expect);
    if (last.ok) {
      run.record({ type: 'note', step: step.id, key, message: `verified ${action.check}: ${run.scrub(last.detail)}` });
      return last.detail;
    }
    if (!POLLED.has(action.check) || budget.remaining() < run.pollMs()) break;
    await run.sleep(run.pollMs(10_000));
  }
  const before = run.plan.steps.some((s) => s.phase === 'switch-dns') && step.phase !== 'switch-dns' && step.phase !== 'watch' && step.phase !== 'decommission';
  throw new RunnerError(
    'VERIFY_FAILED',
    run.scrub(`${step.id}: ${action.check} check failed: ${last.detail}`),
    before ? `nothing has been switched: fix the cause and run skylift apply again, or undo what was created with skylift rollback ${run.id}` : `skylift rollback ${run.id} goes back to the box`,
  );
}
