import type pg from 'pg';

const SOCKET_QUEUE_BYTES = 1024 * 1024;

/** The parts of pg's internal Connection a COPY FROM STDIN needs. */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableLength: number };
}

/**
 * `COPY … FROM STDIN` on a pg client, fed chunk by chunk with the socket's backpressure (what
 * pg-copy-streams does, in the few lines this needs). Submit it with `client.query(copy)`, then
 * `await copy.ready`, `await copy.write(chunk)` for each chunk, and `await copy.end()`; `fail()`
 * makes the server abort the COPY (and so the transaction).
 */
export class CopyIn implements pg.Submittable {
  private connection: PgConnection | null = null;
  private error: Error | null = null;
  private readonly settled: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (err: Error) => void;
  private resolveReady!: () => void;
  readonly ready: Promise<void>;

  constructor(private readonly text: string) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.settled = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A failure before anyone awaits `end()` must not crash the process.
    this.settled.catch(() => undefined);
  }

  submit(connection: unknown): void {
    this.connection = connection as PgConnection;
    this.connection.query(this.text);
  }

  handleCopyInResponse(): void {
    this.resolveReady();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (this.error) this.rejectDone(this.error);
    else this.resolveDone();
  }

  handleError(err: Error): void {
    this.error = err;
    // The server ends COPY on an error; ReadyForQuery may never come if the socket died.
    this.resolveReady();
    this.rejectDone(err);
  }

  /** Sends a chunk; resolves when the socket can take more. Rejects once the COPY failed. */
  async write(chunk: Buffer): Promise<void> {
    if (this.error) throw this.error;
    const conn = this.connection!;
    conn.sendCopyFromChunk(chunk);
    // Let up to a megabyte queue on the socket (its own mark, 16 KiB, would stall every chunk).
    if (conn.stream.writableLength > SOCKET_QUEUE_BYTES) {
      await Promise.race([new Promise<void>((resolve) => conn.stream.once('drain', resolve)), this.settled]);
      if (this.error) throw this.error;
    }
  }

  end(): Promise<void> {
    if (!this.error) this.connection?.endCopyFrom();
    return this.settled;
  }

  fail(reason: string): Promise<void> {
    if (!this.error && this.connection) this.connection.sendCopyFail(reason);
    return this.settled.catch(() => undefined);
  }
}
