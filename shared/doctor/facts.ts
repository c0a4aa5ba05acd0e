/**
 * What the WebSocket doctor collects about an Elastic Beanstalk environment before judging it:
 * configuration, load balancer, fleet size, the deployed bundle's nginx files and real
 * handshakes. Plain JSON, so a diagnosis can be replayed from a saved copy.
 */

/** One EB option setting; environment property values are never kept (only PORT, which is not a secret). */
export interface OptionValue {
  namespace: string;
  name: string;
  value: string;
}

export interface LbListener {
  port: number;
  protocol: string;
  instancePort: number;
  instanceProtocol: string;
  certificate: string | null;
}

export interface LoadBalancerFacts {
  kind: 'classic' | 'application' | 'none';
  /** Classic: the name; application: the ARN. */
  name: string | null;
  listeners: LbListener[];
  idleTimeoutSeconds: number | null;
  /** ALB target group stickiness; classic: the EB `Stickiness Policy` option. */
  stickiness: boolean | null;
  /** Classic only: policies set on each instance port, with their types. */
  backendPolicies: { instancePort: number; policies: { name: string; type: string }[] }[];
}

export interface PollingHandshake {
  /** HTTP status, null when no answer came. */
  status: number | null;
  /** The Engine.IO open packet was read (a session id was given). */
  opened: boolean;
  pingIntervalMs: number | null;
  pingTimeoutMs: number | null;
  upgrades: string[];
  /** The server refuses the polling transport (Engine.IO "Transport unknown"). */
  refused: boolean;
  error: string | null;
}

export interface WebSocketHandshake {
  status: number | null;
  upgraded: boolean;
  error: string | null;
}

export interface EchoResult {
  event: string;
  ok: boolean;
  detail: string;
}

export interface HandshakeFacts {
  url: string;
  polling: PollingHandshake;
  websocket: WebSocketHandshake;
  echo: EchoResult | null;
}

export interface BundleFacts {
  /** Where the deployed version's source bundle is. */
  bucket: string;
  key: string;
  /** `.platform/nginx/**` files, path → text. */
  nginxFiles: Record<string, string>;
  /** The app's package.json text, when the bundle has one. */
  packageJson: string | null;
}

export interface DoctorFacts {
  environment: {
    name: string;
    application: string;
    cname: string;
    platform: string;
    versionLabel: string | null;
    status: string;
    region: string;
  };
  options: OptionValue[];
  loadBalancer: LoadBalancerFacts;
  instances: { running: number; maxSize: number };
  /** Null when the environment runs no version of its own or the bundle could not be read. */
  bundle: BundleFacts | null;
  bundleError: string | null;
  handshakes: HandshakeFacts[];
}

export function optionOf(facts: Pick<DoctorFacts, 'options'>, namespace: string, name: string): string | undefined {
  return facts.options.find((o) => o.namespace === namespace && o.name === name)?.value;
}

/** Socket.IO's own defaults, when no handshake told us the server's. */
export const SOCKET_IO_DEFAULTS = { pingIntervalMs: 25_000, pingTimeoutMs: 20_000 };
