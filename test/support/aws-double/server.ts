import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAwsChunked } from './chunked.js';
import type { RestReply, RestRequest } from './codec/rest-xml.js';
import { AwsFault } from './errors.js';
import { ids } from './ids.js';
import { decodeCall, dialect, encodeFault, encodeResult, type DecodedCall } from './protocols.js';
import type { ServiceDef } from './service-def.js';
import { parseAuthorization, verifySignature } from './sigv4.js';
import type { World } from './world.js';

/** The HTTP front of the double: one loopback port for every service, told apart by the SigV4
 * credential scope, the way AWS tells them apart by host name. */
export class DoubleServer {
  private server: Server;

  constructor(
    private readonly world: World,
    private readonly services: ServiceDef[],
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = ids.requestId();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://double');
    const rest: RestRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    let def: ServiceDef | undefined;
    let call: DecodedCall | undefined;
    let reply: RestReply;
    let region = '';
    let account = '';
    try {
      const scope = parseAuthorization(req.headers);
      region = scope.region;
      const form = rest.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(rest.body.toString('utf8')) : undefined;
      def = this.findService(scope.service, form);
      const token = req.headers['x-amz-security-token'];
      const key = this.world.identities.authenticate(scope.accessKeyId, typeof token === 'string' ? token : undefined);
      account = key.principal.account;
      verifySignature(scope, key.secret, rest);
      const { body, trailers } = decodeAwsChunked(rest.body, rest.headers);
      const decoded: RestRequest = { ...rest, body, headers: { ...rest.headers, ...trailers } };
      call = decodeCall(def, decoded, form);
      const handler = def.handlers[call.operation];
      if (!handler) throw new AwsFault('NotImplemented', `The Skylift AWS double does not implement ${def.id}:${call.operation}`, 501);
      const fault = this.world.faults.take(def.id, call.operation);
      if (fault?.kind === 'drop') {
        this.record(def.id, call.operation, account, region, 0);
        req.socket.destroy();
        return;
      }
      if (fault) throw injected(def, fault);
      const action = def.iamAction ? def.iamAction(call.operation) : `${def.signingName}:${call.operation}`;
      if (this.world.identities.decide(key.principal.policySourceArn, action) !== 'allowed') {
        const [code, status] = dialect(def).denied;
        throw new AwsFault(code, `User: ${key.principal.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`, status);
      }
      await this.world.scheduler.settle();
      const output = await handler(
        { world: this.world, account, region, principal: key.principal, requestId, now: this.world.clock.now() },
        call.input,
      );
      reply = encodeResult(def, call, output, requestId);
    } catch (err) {
      const fault = err instanceof AwsFault ? err : new AwsFault('InternalFailure', `double bug: ${(err as Error).stack ?? String(err)}`, 500);
      reply = encodeFault(def, fault, requestId, rest.method);
    }
    this.record(def?.id ?? 'unknown', call?.operation ?? 'unknown', account, region, reply.status);
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  }

  private findService(signingName: string, form: URLSearchParams | undefined): ServiceDef {
    const candidates = this.services.filter((s) => s.signingName === signingName);
    const version = form?.get('Version');
    const def = candidates.length > 1 ? candidates.find((s) => s.queryVersion === version) : candidates[0];
    if (!def) throw new AwsFault('UnrecognizedClientException', `The Skylift AWS double does not serve ${signingName}${version ? ` (Version ${version})` : ''}`, 400);
    return def;
  }

  private record(service: string, operation: string, account: string, region: string, status: number): void {
    this.world.calls.push({ service, operation, account, region, status });
  }
}

function injected(def: ServiceDef, fault: Exclude<ReturnType<World['faults']['take']>, undefined>): AwsFault {
  if (fault.kind === 'throttle') {
    const [code, status] = dialect(def).throttle;
    return new AwsFault(code, 'Rate exceeded', status);
  }
  if (fault.kind === '500') {
    const [code, status] = dialect(def).internal;
    return new AwsFault(code, 'We encountered an internal error. Please try again.', status);
  }
  if (fault.kind === 'error') return new AwsFault(fault.code, fault.message ?? fault.code, fault.status ?? 400);
  throw new Error(`fault ${fault.kind} is not a reply`);
}
