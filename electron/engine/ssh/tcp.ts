import { connect as netConnect, type Socket } from 'node:net';
import { SshError } from './errors.js';

/** Maps a socket error from dialing `where` to what the user can do about it. */
export function dialError(err: NodeJS.ErrnoException, where: string): SshError {
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new SshError('DNS', `cannot resolve ${where}: ${err.code}`, 'check the host name spelling, your DNS, or use the IP address', { cause: err });
    case 'ECONNREFUSED':
      return new SshError('REFUSED', `connection refused by ${where}`, 'check the port, that sshd runs on the box, and the firewall (ufw, cloud firewall)', { cause: err });
    case 'ETIMEDOUT':
      return new SshError('TIMEOUT', `no answer from ${where}`, 'check the address, the port and the firewall (the port may be filtered)', { cause: err });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new SshError('REFUSED', `${where} is unreachable (${err.code})`, 'check the address and your network or VPN', { cause: err });
    default:
      return new SshError('DISCONNECTED', `connection to ${where} failed: ${err.message}`, 'check the address and the network, then try again', { cause: err });
  }
}

/**
 * Dials host:port ourselves so that DNS, refusal and timeout are told apart before SSH starts,
 * and to set TCP_NODELAY, which ssh2 never sets (mscdex/ssh2#1285: 10x slower small execs).
 */
export function openTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new SshError('TIMEOUT', `no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`, 'check the address, the port and the firewall (the port may be filtered)'));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      sock.setKeepAlive(true, 30_000);
      resolve(sock);
    });
    // Errors after 'connect' are ssh2's to report; settling again here is a no-op.
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(dialError(err, where));
    });
  });
}
