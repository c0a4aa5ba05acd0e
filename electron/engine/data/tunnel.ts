import { createServer, type Server, type Socket } from 'node:net';
import type { SshSession } from '../ssh/index.js';

export interface Tunnel {
  /** The loopback port on this machine that reaches host:port on the box. */
  port: number;
  close(): Promise<void>;
}

/**
 * A loopback listener whose every connection is forwarded through the SSH session to
 * `host:port` as seen from the box: any driver can then reach a service bound to the box's
 * loopback (Redis) without exposing it.
 */
export async function openTunnel(session: SshSession, host: string, port: number): Promise<Tunnel> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.pause();
    session.forwardOut(host, port).then(
      (channel) => {
        socket.pipe(channel).pipe(socket);
        channel.once('close', () => socket.destroy());
        socket.once('close', () => channel.close());
        socket.resume();
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
