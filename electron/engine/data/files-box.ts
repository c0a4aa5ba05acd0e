/**
 * The box side of a files copy: the directory's listing (GNU find), sha256 of chosen files
 * (sha256sum), a tar of chosen files streamed out, and a tar streamed in and extracted. Names
 * travel NUL-separated on stdin or stdout, never through a command line; the directory is quoted.
 */
import { Readable } from 'node:stream';
import { quote } from 'shell-quote';
import { DataError } from '../../../shared/data/data-error.js';
import { isSshError, type SshSession } from '../ssh/index.js';
import { readAhead, runDump } from './dump-stream.js';
import { keepTail, runScript, stderrTail } from './remote.js';
import { readTar, type TarEntry } from './tar-reader.js';

export interface BoxFile {
  /** Relative to the directory, `/`-separated, valid UTF-8. */
  path: string;
  size: number;
  /** Seconds since the epoch with nine decimals (see `normalMtime`). */
  mtime: string;
  mode: number;
}

export interface BoxTree {
  /** The directory's owner: files written back get it. */
  uid: number;
  gid: number;
  files: Map<string, BoxFile>;
  /** Not copied (S3 has no links): listed for the report so that they can be recreated. */
  symlinks: { path: string; target: string }[];
  /** Sockets, FIFOs, devices, names that are not UTF-8. */
  skipped: { path: string; why: string }[];
}

/** `1700000000.5` and `1700000000.500000000` are the same time: nine decimals, always. */
export function normalMtime(text: string): string {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return text;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
}

const LIST_SCRIPT = `cd -- "$1" 2>/dev/null || { echo "no such directory: $1" >&2; exit 3; }
find . -maxdepth 0 -printf '%U\\0%G\\0' && find . -mindepth 1 ! -type d -printf '%y\\0%s\\0%T@\\0%m\\0%P\\0%l\\0'`;

const KINDS: Record<string, string> = { p: 'a FIFO', s: 'a socket', b: 'a block device', c: 'a character device', D: 'a door' };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

function decodeName(raw: Buffer): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}

/** Parses the listing: owner, then six NUL-terminated fields per entry. */
export function parseListing(out: Buffer): BoxTree {
  const fields: Buffer[] = [];
  for (let at = 0; at < out.length; ) {
    const end = out.indexOf(0, at);
    if (end < 0) break;
    fields.push(out.subarray(at, end));
    at = end + 1;
  }
  const tree: BoxTree = { uid: Number(String(fields[0] ?? '0')), gid: Number(String(fields[1] ?? '0')), files: new Map(), symlinks: [], skipped: [] };
  for (let i = 2; i + 6 <= fields.length; i += 6) {
    const [kind, size, mtime, mode, rawPath, target] = fields.slice(i, i + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const path = decodeName(rawPath);
    const type = String(kind);
    if (path === null) tree.skipped.push({ path: lossy.decode(rawPath), why: 'its name is not valid UTF-8 (S3 keys are)' });
    else if (type === 'f') tree.files.set(path, { path, size: Number(String(size)), mtime: normalMtime(String(mtime)), mode: parseInt(String(mode), 8) });
    else if (type === 'l') tree.symlinks.push({ path, target: lossy.decode(target) });
    else tree.skipped.push({ path, why: `it is ${KINDS[type] ?? `of type ${type}`}` });
  }
  return tree;
}

const lost = (session: SshSession, err: unknown, what: string): unknown =>
  isSshError(err, 'DISCONNECTED') ? new DataError('SSH_LOST', `the SSH connection to ${session.label} dropped while ${what}: ${(err as Error).message}`, 'check the network and the box, then run the copy again', { cause: err }) : err;

/** Every file under `dir` on the box, with its size, time and mode. */
export async function listBoxDir(session: SshSession, dir: string, signal?: AbortSignal): Promise<BoxTree> {
  const r = await runScript(session, LIST_SCRIPT, [dir], signal ? { signal } : {});
  if (r.code === 3) throw new DataError('SOURCE_UNAVAILABLE', `${dir} does not exist on ${session.label} (or cannot be entered)`, 'check the path the inventory found; if the app moved its uploads, re-run the inventory');
  if (r.stdoutTruncated) throw new DataError('SOURCE_UNAVAILABLE', `the listing of ${dir} on ${session.label} is larger than 64 MiB`, 'the directory holds too many files for one copy: split it (one copy per subdirectory) or copy it by hand');
  if (r.code !== 0) throw new DataError('SOURCE_UNAVAILABLE', `listing ${dir} on ${session.label} failed: ${stderrTail(r.stderr)}`, 'fix the permissions named above (the copy runs as the SSH user), then run it again');
  return parseListing(r.stdout);
}

const nulList = (paths: readonly string[]): Buffer => Buffer.from(paths.map((p) => `${p}\0`).join(''), 'utf8');
const inDir = (dir: string, command: string): string => `cd -- ${quote([dir])} && LC_ALL=C; export LC_ALL; ${command}`;

/** sha256 (hex) of each named file, read on the box; a file that vanished meanwhile is absent. */
export async function boxChecksums(session: SshSession, dir: string, paths: readonly string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  // xargs exits 123 when sha256sum failed for some file (it vanished): the others are still good.
  const r = await session.exec(inDir(dir, 'xargs -0 -r sha256sum -z --'), { stdin: nulList(paths), maxStdoutBytes: 1024 * 1024 * 1024, ...(signal ? { signal } : {}) }).catch((err: unknown) => {
    throw lost(session, err, 'checksums were computed');
  });
  if (r.code !== 0 && r.code !== 123) throw new DataError('SOURCE_UNAVAILABLE', `sha256sum under ${dir} on ${session.label} failed: ${stderrTail(r.stderr)}`, 'the box needs GNU coreutils (sha256sum) and xargs');
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    const m = /^([0-9a-f]{64}) [ *]([\s\S]*)$/.exec(rec);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/**
 * The named files as tar entries, streamed from the box. A file that vanished or cannot be read
 * is left out (`--ignore-failed-read`); one that changed while read comes as read (exit 1 is
 * accepted): the caller checks sizes and checksums. Breaking out of the loop stops the tar.
 */
export async function* boxTar(session: SshSession, dir: string, paths: readonly string[], signal?: AbortSignal): AsyncGenerator<TarEntry> {
  const tar = 'tar -c -f - --format=pax --null --verbatim-files-from --no-recursion --hard-dereference --ignore-failed-read -T -; s=$?; [ "$s" -eq 1 ] && s=0; exit $s';
  const dump = runDump((stop) => session.execStream(inDir(dir, tar), { stdin: nulList(paths), signal: signal ? AbortSignal.any([stop, signal]) : stop }), `the tar of ${dir}`, session.label);
  let ended: 'ok' | 'failed' | null = null;
  // A body cut short is explained the same way, even when the consumer is the one reading it.
  async function* explained(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    try {
      yield* body;
    } catch (err) {
      throw (await dump.stop()) ?? err;
    }
  }
  try {
    for await (const entry of readTar(readAhead(dump.stdout))) yield { ...entry, body: explained(entry.body) };
    await dump.finish();
    ended = 'ok';
  } catch (err) {
    ended = 'failed';
    // The connection's loss or tar's own failure explains a truncated stream better than the reader can.
    throw (await dump.stop()) ?? err;
  } finally {
    // The consumer stopped early (its upload failed): stop the tar on the box too.
    if (ended === null) await dump.stop();
  }
}

/** Extracts a tar stream into `dir` on the box (created if missing); existing files of the same names are replaced. */
export async function extractOnBox(session: SshSession, dir: string, archive: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<void> {
  const input = Readable.from(archive);
  const command = `mkdir -p -- ${quote([dir])} && cd -- ${quote([dir])} && LC_ALL=C exec tar -x -f - --numeric-owner --no-overwrite-dir`;
  const ex = session.execStream(command, { stdin: input, ...(signal ? { signal } : {}) });
  const tail = keepTail(ex.stderr);
  ex.stdout.resume();
  const exit = await ex.done.catch((err: unknown) => {
    throw lost(session, err, `files were written into ${dir}`);
  });
  if (exit.code !== 0) throw new DataError('RESTORE_FAILED', `writing into ${dir} on ${session.label} failed: ${stderrTail(tail()) || `exit ${exit.code ?? exit.signal}`}`, 'fix the cause named above on the box (space, permissions), then run the copy back again');
}
