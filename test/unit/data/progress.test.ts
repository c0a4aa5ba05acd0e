import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatBytes, formatDuration, progressMode } from '../../../electron/cli/progress.js';

type Event = { type: 'progress'; phase: string; done: number; total: number | null } | { type: 'notice'; message: string };

const view = (e: Event) => (e.type === 'progress' ? { label: e.phase, value: e.done, total: e.total, detail: `step ${e.phase}` } : null);
const notice = (e: Event) => (e.type === 'notice' ? `note: ${e.message}` : null);

function capture(tty: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), tty ? { isTTY: true, columns: 120 } : {});
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('progress renderer', () => {
  it('writes every event, then the result and errors, as JSON lines', () => {
    const out = capture(false);
    const p = createProgress<Event>({ mode: 'json', view, notice, stdout: out.stream });
    p.event({ type: 'progress', phase: 'copy', done: 1, total: 3 });
    p.event({ type: 'notice', message: 'hello' });
    p.result({ ok: true });
    p.error({ code: 'X' });
    p.stop();
    expect(out.text().trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { type: 'progress', phase: 'copy', done: 1, total: 3 },
      { type: 'notice', message: 'hello' },
      { type: 'result', ok: true },
      { type: 'error', code: 'X' },
    ]);
  });

  it('draws a bar with the step, the counts and the detail on a terminal, notices above it', () => {
    const err = capture(true);
    const out = capture(false);
    const p = createProgress<Event>({ mode: 'bars', view, notice, stdout: out.stream, stderr: err.stream });
    p.event({ type: 'progress', phase: 'copy', done: 2, total: 4 });
    p.event({ type: 'notice', message: 'a warning' });
    p.event({ type: 'progress', phase: 'verify', done: 4, total: 4 });
    p.result({ ok: true });
    p.stop();
    expect(err.text()).toContain('note: a warning');
    expect(err.text()).toMatch(/verify\s+\|.*\| 4\/4 step verify/);
    expect(out.text()).toBe('');
  });

  it('chooses bars only for an interactive terminal without --json, and formats sizes and times', () => {
    expect(progressMode(false, { isTTY: true } as NodeJS.WriteStream)).toBe('bars');
    expect(progressMode(true, { isTTY: true } as NodeJS.WriteStream)).toBe('json');
    expect(progressMode(false, { isTTY: false } as NodeJS.WriteStream)).toBe('json');
    expect([formatBytes(512), formatBytes(1536), formatBytes(300 * 1024 * 1024)]).toEqual(['512 B', '1.5 KiB', '300 MiB']);
    expect([formatDuration(42), formatDuration(125), formatDuration(7260)]).toEqual(['42s', '2m05s', '2h01m']);
  });
});
