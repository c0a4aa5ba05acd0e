import { quote } from 'shell-quote';
import type { SourceEnvSpec } from '../../../shared/runner/resolve.js';
import { connect, type SshConnectOptions, type SshSession } from '../ssh/index.js';
import { RunnerError } from './errors.js';

/** Reads one variable as the app sees it: its .env files (later ones win), else the environment of a process running in its directory. */
const READ_ENV = [
  'd=$1; n=$2',
  'for f in .env .env.production .env.local; do',
  '  [ -r "$d/$f" ] || continue',
  '  line=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$n[[:space:]]*=" "$d/$f" | tail -n 1)',
  '  [ -n "$line" ] && printf \'file %s\\n\' "$(printf %s "$line" | base64 | tr -d \'\\n\')"',
  'done',
  'for p in /proc/[0-9]*; do',
  '  [ "$(readlink "$p/cwd" 2>/dev/null)" = "$d" ] || continue',
  '  v=$(tr \'\\0\' \'\\n\' < "$p/environ" 2>/dev/null | grep -E "^$n=" | head -n 1)',
  '  [ -n "$v" ] && printf \'proc %s\\n\' "$(printf %s "${v#*=}" | base64 | tr -d \'\\n\')" && break',
  'done',
  'exit 0',
  '',
].join('\n');

/** `NAME=value`, `export NAME="value"`, `NAME='value' # comment` → value. */
export function dotenvValue(line: string): string {
  const raw = line.replace(/^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*/, '');
  const quoted = /^(["'])((?:\\.|(?!\1).)*)\1/.exec(raw);
  if (quoted) return quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1') : quoted[2]!;
  return raw.replace(/\s+#.*$/, '').trim();
}

/** SSH sessions to the source boxes, one per label, opened on first use. */
export class BoxSessions {
  private sessions = new Map<string, Promise<SshSession>>();

  constructor(private readonly options?: (label: string) => Promise<SshConnectOptions>) {}

  session(label: string): Promise<SshSession> {
    let s = this.sessions.get(label);
    if (!s) {
      const options = this.options;
      if (!options) throw new RunnerError('STEP_FAILED', `this step needs the box ${label}, and no SSH access was given`, 'run apply with the SSH options you used for skylift inventory (-i KEY, --known-hosts…)');
      s = options(label).then((o) => connect(o));
      s.catch(() => this.sessions.delete(label));
      this.sessions.set(label, s);
    }
    return s;
  }

  /** Runs a plan command on the box (as root through sudo -n when asked and not root already). */
  async exec(label: string, command: string, sudo: boolean, signal?: AbortSignal): Promise<string> {
    const session = await this.session(label);
    const asRoot = sudo && session.target.user !== 'root';
    const line = asRoot ? `sudo -n /bin/sh -c ${quote([command])}` : command;
    const r = await session.exec(line, { timeoutMs: 10 * 60_000, ...(signal ? { signal } : {}) });
    if (r.code !== 0) {
      const tail = r.stderr.toString('utf8').trim().split('\n').slice(-3).join(' | ');
      throw new RunnerError('STEP_FAILED', `command on ${label} exited ${r.code ?? r.signal}: ${tail || '(no output)'}`, asRoot ? 'the command needs root: give this user passwordless sudo for it, or run the step by hand' : 'run the command on the box by hand to see why');
    }
    return r.stdout.toString('utf8');
  }

  /** An environment value of the app in `dir`; never logged, never stored. */
  async readEnv(spec: SourceEnvSpec): Promise<string> {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.name)) throw new RunnerError('PLAN_INVALID', `"${spec.name}" is not an environment variable name`, 'regenerate the plan');
    const session = await this.session(spec.host);
    const r = await session.exec(`LC_ALL=C exec /bin/sh -s -- ${quote([spec.dir, spec.name])}`, { stdin: READ_ENV, timeoutMs: 60_000 });
    const lines = r.stdout.toString('utf8').split('\n').filter(Boolean);
    const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
    const fromFile = lines.filter((l) => l.startsWith('file ')).pop();
    if (fromFile) return dotenvValue(decode(fromFile.slice(5)));
    const fromProc = lines.find((l) => l.startsWith('proc '));
    if (fromProc) return decode(fromProc.slice(5));
    throw new RunnerError('STEP_FAILED', `${spec.name} is not set for the app in ${spec.dir} on ${spec.host} (not in its .env files, not in its running process)`, 'set it on the box (or in the plan\'s answers) and run again');
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.then((x) => x.close(), () => undefined)));
  }
}
