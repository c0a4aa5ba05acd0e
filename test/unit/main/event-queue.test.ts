import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../shared/ipc/contract.js';
import { EventQueue } from '../../../electron/main/event-queue.js';
import { createHandlers } from '../../../electron/main/handlers/index.js';
import { ProjectStore } from '../../../electron/engine/projects/project-store.js';
import { aesEncryptor } from '../../support/e2e-host/encryptor.js';

const done = (jobId: string) => ({ type: 'done' as const, jobId });

describe('events before the window listens', () => {
  it('holds them until the page is ready, then delivers them in order, then passes new ones straight on', () => {
    const page: EventEnvelope[] = [];
    let open = true;
    const queue = new EventQueue((e) => open && (page.push(e), true));
    queue.push('job:event', done('a'));
    queue.push('job:event', { type: 'runner', jobId: 'a', event: { type: 'notice', step: null, level: 'info', message: 'resumed at start-up' } });
    expect(page).toEqual([]);
    expect(queue.ready()).toBe(2);
    queue.push('job:event', done('b'));
    expect(page.map((e) => (e.payload as { jobId: string; type: string }).type + ':' + (e.payload as { jobId: string }).jobId)).toEqual(['done:a', 'runner:a', 'done:b']);

    // A reload: held again until the new page is ready; a window that cannot take an event keeps it.
    queue.hold();
    queue.push('job:event', done('c'));
    open = false;
    expect(queue.ready()).toBe(0);
    queue.push('job:event', done('d'));
    open = true;
    expect(queue.ready()).toBe(2);
    expect(page.slice(3).map((e) => (e.payload as { jobId: string }).jobId)).toEqual(['c', 'd']);
  });

  it('checks each event against its schema when it is sent, not when it is delivered', () => {
    const queue = new EventQueue(() => true);
    expect(() => queue.push('job:event', { type: 'nonsense', jobId: 'x' } as never)).toThrow();
    expect(queue.ready()).toBe(0);
  });

  it('a job that streams before the page subscribes loses nothing: app:ready delivers it in order', async () => {
    const page: EventEnvelope[] = [];
    const events = new EventQueue((e) => (page.push(e), true));
    const { handlers, jobs } = createHandlers({ dataDir: '/nonexistent', store: new ProjectStore('/nonexistent'), encryptor: aesEncryptor(), events, chooseSaveLocation: async () => null, appInfo: { version: 't', platform: 'linux' } });
    let finished: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => (finished = resolve));
    jobs.start(async (job) => {
      for (let i = 0; i < 5; i++) job.runner({ type: 'progress', step: 'provision-rds', phase: 'provision', percent: i * 25, detail: `${i}`, elapsedMs: 0, expectedMs: [0, 1] });
      finished();
    });
    await ran;
    // The job's own end follows on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(page).toEqual([]);
    expect(await handlers['app:ready']({})).toEqual({ delivered: 6 });
    const payloads = page.map((e) => e.payload as { type: string; event?: { detail: string } });
    expect(payloads.map((p) => p.event?.detail ?? p.type)).toEqual(['0', '1', '2', '3', '4', 'done']);
  });
});
