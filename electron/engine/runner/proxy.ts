import { connect, type Socket } from 'node:net';

/** Whether NO_PROXY exempts a host (exact names, `.suffix` / `suffix` domains, `*`). */
function exempt(host: string, noProxy: string | undefined): boolean {
  const h = host.toLowerCase();
  return (noProxy ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      const e = entry.toLowerCase().replace(/:\d+$/, '');
      return e === '*' || h === e.replace(/^\./, '') || h.endsWith(e.startsWith('.') ? e : `.${e}`);
    });
}

/**
 * HTTP(S) checks through the proxy the environment names (HTTPS_PROXY / HTTP_PROXY, as curl reads
 * them): a CONNECT tunnel per connection. Undefined when no proxy is set.
 */
export function proxyConnector(env: NodeJS.ProcessEnv = process.env): ((host: string, port: number) => Promise<Socket>) | undefined {
  const raw = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  if (!raw) return undefined;
  const proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  const auth = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n` : '';
  const noProxy = env.NO_PROXY ?? env.no_proxy;
  return (host, port) =>
    new Promise<Socket>((resolve, reject) => {
      if (exempt(host, noProxy)) {
        const direct = connect(port, host, () => resolve(direct));
        direct.once('error', reject);
        return;
      }
      const socket = connect(Number(proxy.port || 80), proxy.hostname, () => socket.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n${auth}\r\n`));
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'))?.[1];
        if (status !== '200') {
          socket.destroy();
          return reject(Object.assign(new Error(`proxy ${proxy.host} refused CONNECT ${host}:${port} (${status ?? 'no status'})`), { code: 'EPROXY' }));
        }
        const rest = head.subarray(end + 4);
        if (rest.length) socket.unshift(rest);
        resolve(socket);
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
}
