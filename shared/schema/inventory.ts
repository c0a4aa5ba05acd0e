import { z } from 'zod';

/**
 * The Inventory: what runs on one source box, read-only, as parsed from the probe's output.
 * Every field that the probe could fail to read is nullable or an empty list, and whatever
 * could not be read is named in `notRead` with the reason — never silently missing.
 */

export const INVENTORY_SCHEMA_VERSION = 1 as const;

export const SectionStatus = z.enum(['ok', 'partial', 'absent', 'timeout', 'error']);
export type SectionStatus = z.infer<typeof SectionStatus>;

export const SectionReport = z.object({
  name: z.string(),
  status: SectionStatus,
  exitCode: z.number().int().nullable(),
  /** The section's raw output was longer than the probe's cap and was cut. */
  truncated: z.boolean(),
  note: z.string().optional(),
});
export type SectionReport = z.infer<typeof SectionReport>;

export const NotRead = z.object({
  what: z.string(),
  reason: z.string(),
});
export type NotRead = z.infer<typeof NotRead>;

export const Privilege = z.enum(['root', 'sudo', 'user']);
export type Privilege = z.infer<typeof Privilege>;

export const Mount = z.object({
  device: z.string(),
  mountpoint: z.string(),
  fstype: z.string(),
  sizeBytes: z.number().nullable(),
  usedBytes: z.number().nullable(),
});

export const Provider = z.enum(['digitalocean', 'linode', 'aws', 'other', 'unknown']);
export type Provider = z.infer<typeof Provider>;

export const Host = z.object({
  hostname: z.string().nullable(),
  provider: z.object({ name: Provider, evidence: z.array(z.string()) }),
  os: z.object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    versionId: z.string().nullable(),
    prettyName: z.string().nullable(),
  }),
  kernel: z.string().nullable(),
  arch: z.string().nullable(),
  cpus: z.number().int().nullable(),
  memoryBytes: z.number().nullable(),
  swapBytes: z.number().nullable(),
  loadAverage: z.tuple([z.number(), z.number(), z.number()]).nullable(),
  uptimeSeconds: z.number().nullable(),
  timezone: z.string().nullable(),
  mounts: z.array(Mount),
});
export type Host = z.infer<typeof Host>;

export const NodeInstall = z.object({
  version: z.string(),
  path: z.string(),
  manager: z.enum(['system', 'nvm', 'n', 'volta', 'other']),
});

export const ToolVersion = z.object({ name: z.string(), version: z.string(), path: z.string().nullable() });
export type ToolVersion = z.infer<typeof ToolVersion>;

export const DockerContainer = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  status: z.string(),
  ports: z.string(),
});

export const Pm2App = z.object({
  name: z.string(),
  /** The OS user whose PM2 daemon runs (or last saved) the app. */
  user: z.string().nullable(),
  pid: z.number().int().nullable(),
  status: z.string().nullable(),
  cwd: z.string().nullable(),
  script: z.string().nullable(),
  execMode: z.string().nullable(),
  instances: z.number().int().nullable(),
  /** Where the entry came from: a running daemon's process, or a saved dump file. */
  source: z.enum(['process', 'dump']),
  envNames: z.array(z.string()),
});
export type Pm2App = z.infer<typeof Pm2App>;

export const Runtimes = z.object({
  node: z.array(NodeInstall),
  /** npm, yarn, pnpm, pm2, python3, php, ruby, java, docker — whichever are installed. */
  tools: z.array(ToolVersion),
  pm2: z.object({ apps: z.array(Pm2App) }),
  docker: z.object({ containers: z.array(DockerContainer) }).nullable(),
});

export const Process = z.object({
  pid: z.number().int(),
  ppid: z.number().int(),
  user: z.string(),
  /** Full command line, with secret-looking values redacted. */
  command: z.string(),
  cwd: z.string().nullable(),
});
export type Process = z.infer<typeof Process>;

export const Listener = z.object({
  proto: z.enum(['tcp', 'udp']),
  address: z.string(),
  port: z.number().int(),
  pid: z.number().int().nullable(),
  processName: z.string().nullable(),
  /** Reachable from outside the box (bound to a wildcard or a non-loopback address). */
  public: z.boolean(),
});
export type Listener = z.infer<typeof Listener>;

export const SystemdUnit = z.object({
  name: z.string(),
  activeState: z.string(),
  subState: z.string(),
  description: z.string().nullable(),
  execStart: z.string().nullable(),
  workingDirectory: z.string().nullable(),
  user: z.string().nullable(),
  environmentNames: z.array(z.string()),
  environmentFiles: z.array(z.string()),
});
export type SystemdUnit = z.infer<typeof SystemdUnit>;

export const SystemdTimer = z.object({
  name: z.string(),
  unit: z.string().nullable(),
  schedule: z.string().nullable(),
});

export const Services = z.object({
  init: z.enum(['systemd', 'other', 'unknown']),
  units: z.array(SystemdUnit),
  timers: z.array(SystemdTimer),
});

export const NginxListen = z.object({
  address: z.string().nullable(),
  port: z.number().int(),
  ssl: z.boolean(),
  http2: z.boolean(),
  proxyProtocol: z.boolean(),
  defaultServer: z.boolean(),
});

export const NginxLocation = z.object({
  path: z.string(),
  proxyPass: z.string().nullable(),
  /** Both `Upgrade $http_upgrade` and `Connection "upgrade"` headers are passed. */
  websocketUpgrade: z.boolean(),
  proxyReadTimeoutSeconds: z.number().nullable(),
  proxySendTimeoutSeconds: z.number().nullable(),
  root: z.string().nullable(),
  alias: z.string().nullable(),
  clientMaxBodySize: z.string().nullable(),
});
export type NginxLocation = z.infer<typeof NginxLocation>;

export const NginxServer = z.object({
  file: z.string().nullable(),
  serverNames: z.array(z.string()),
  listen: z.array(NginxListen),
  sslCertificate: z.string().nullable(),
  sslCertificateKey: z.string().nullable(),
  root: z.string().nullable(),
  clientMaxBodySize: z.string().nullable(),
  /** `return 301 https://...` style redirect on this server. */
  redirectsToHttps: z.boolean(),
  locations: z.array(NginxLocation),
});
export type NginxServer = z.infer<typeof NginxServer>;

export const Nginx = z.object({
  version: z.string().nullable(),
  configFile: z.string().nullable(),
  /** `nginx -T` succeeded (the effective config was read). */
  configRead: z.boolean(),
  clientMaxBodySize: z.string().nullable(),
  upstreams: z.array(z.object({ name: z.string(), servers: z.array(z.string()) })),
  servers: z.array(NginxServer),
});
export type Nginx = z.infer<typeof Nginx>;

export const ApacheVhost = z.object({
  file: z.string().nullable(),
  serverName: z.string().nullable(),
  serverAliases: z.array(z.string()),
  port: z.number().int().nullable(),
  ssl: z.boolean(),
  sslCertificateFile: z.string().nullable(),
  documentRoot: z.string().nullable(),
  proxyPass: z.array(z.object({ path: z.string(), target: z.string() })),
  /** A ws:// or wss:// ProxyPass, or a RewriteRule with [P] to ws(s)://. */
  websocketProxy: z.boolean(),
});

export const Apache = z.object({
  version: z.string().nullable(),
  modules: z.array(z.string()),
  wstunnelLoaded: z.boolean(),
  vhosts: z.array(ApacheVhost),
});
export type Apache = z.infer<typeof Apache>;

export const Certificate = z.object({
  path: z.string(),
  subject: z.string().nullable(),
  names: z.array(z.string()),
  issuer: z.string().nullable(),
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  source: z.enum(['letsencrypt', 'nginx', 'apache']),
});
export type Certificate = z.infer<typeof Certificate>;

export const EnvName = z.object({
  name: z.string(),
  source: z.string(),
  /** The name looks like it holds a secret (PASSWORD, TOKEN, KEY, SECRET, DSN with credentials…). */
  secret: z.boolean(),
});
export type EnvName = z.infer<typeof EnvName>;

export const AppFlags = z.object({
  socketio: z.boolean(),
  ws: z.boolean(),
  express: z.boolean(),
  postgres: z.boolean(),
  mysql: z.boolean(),
  redis: z.boolean(),
  socketioRedisAdapter: z.boolean(),
  memcached: z.boolean(),
  uploads: z.boolean(),
});
export type AppFlags = z.infer<typeof AppFlags>;

export const App = z.object({
  name: z.string(),
  dir: z.string(),
  foundBy: z.array(z.enum(['pm2', 'systemd', 'process', 'nginx'])),
  packageJson: z
    .object({
      name: z.string().nullable(),
      version: z.string().nullable(),
      enginesNode: z.string().nullable(),
      startScript: z.string().nullable(),
      main: z.string().nullable(),
      dependencies: z.record(z.string(), z.string()),
    })
    .nullable(),
  flags: AppFlags,
  procfile: z.string().nullable(),
  ecosystemFile: z.string().nullable(),
  git: z.object({ remote: z.string().nullable(), commit: z.string().nullable(), branch: z.string().nullable() }).nullable(),
  sizeBytes: z.number().nullable(),
  /** Local writable state that would be lost on an ephemeral instance (upload dirs…). */
  writableDirs: z.array(z.object({ path: z.string(), sizeBytes: z.number().nullable(), files: z.number().nullable() })),
  envNames: z.array(EnvName),
  ports: z.array(z.number().int()),
});
export type App = z.infer<typeof App>;

export const PostgresDatabase = z.object({
  name: z.string(),
  owner: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  extensions: z.array(z.object({ name: z.string(), version: z.string() })),
});

export const PostgresServer = z.object({
  version: z.string().nullable(),
  port: z.number().int().nullable(),
  dataDir: z.string().nullable(),
  pid: z.number().int().nullable(),
  listenAddresses: z.string().nullable(),
  walLevel: z.string().nullable(),
  maxConnections: z.number().int().nullable(),
  databases: z.array(PostgresDatabase),
  /** Null when the server's contents were read; otherwise why not. */
  unreadable: z.string().nullable(),
});
export type PostgresServer = z.infer<typeof PostgresServer>;

export const MysqlSchema = z.object({
  name: z.string(),
  sizeBytes: z.number().nullable(),
  tables: z.number().int(),
  engines: z.record(z.string(), z.number().int()),
});

export const MysqlServer = z.object({
  flavor: z.enum(['mysql', 'mariadb']),
  version: z.string().nullable(),
  port: z.number().int().nullable(),
  socket: z.string().nullable(),
  dataDir: z.string().nullable(),
  pid: z.number().int().nullable(),
  binlog: z.object({ enabled: z.boolean(), format: z.string().nullable() }).nullable(),
  serverId: z.number().int().nullable(),
  maxConnections: z.number().int().nullable(),
  sqlMode: z.string().nullable(),
  schemas: z.array(MysqlSchema),
  unreadable: z.string().nullable(),
});
export type MysqlServer = z.infer<typeof MysqlServer>;

export const RedisServer = z.object({
  version: z.string().nullable(),
  port: z.number().int().nullable(),
  pid: z.number().int().nullable(),
  usedMemoryBytes: z.number().nullable(),
  maxmemoryBytes: z.number().nullable(),
  maxmemoryPolicy: z.string().nullable(),
  keyspace: z.array(z.object({ db: z.number().int(), keys: z.number().int(), expires: z.number().int() })),
  persistence: z.object({ rdb: z.boolean(), aof: z.boolean() }).nullable(),
  unreadable: z.string().nullable(),
});
export type RedisServer = z.infer<typeof RedisServer>;

export const MemcachedServer = z.object({
  version: z.string().nullable(),
  port: z.number().int().nullable(),
  pid: z.number().int().nullable(),
  limitBytes: z.number().nullable(),
  items: z.number().int().nullable(),
  unreadable: z.string().nullable(),
});
export type MemcachedServer = z.infer<typeof MemcachedServer>;

export const CronJob = z.object({
  source: z.enum(['crontab', 'user-crontab', 'cron.d', 'cron.periodic']),
  file: z.string(),
  user: z.string().nullable(),
  schedule: z.string(),
  /** Secret-looking values redacted. */
  command: z.string(),
});
export type CronJob = z.infer<typeof CronJob>;

export const Firewall = z.object({
  tool: z.enum(['ufw', 'nftables', 'iptables', 'none', 'unknown']),
  active: z.boolean().nullable(),
  /** Ports the firewall admits from anywhere ("22/tcp"); null when unknown. */
  openPorts: z.array(z.string()).nullable(),
  rules: z.array(z.string()),
});
export type Firewall = z.infer<typeof Firewall>;

export const Inventory = z.object({
  schemaVersion: z.literal(INVENTORY_SCHEMA_VERSION),
  target: z.object({
    /** How the box was reached: an SSH destination (never with a password) or "local". */
    label: z.string(),
    transport: z.enum(['ssh', 'local']),
  }),
  collectedAt: z.string(),
  probe: z.object({
    user: z.string().nullable(),
    privilege: Privilege,
    durationMs: z.number().nullable(),
    sections: z.array(SectionReport),
  }),
  host: Host,
  runtimes: Runtimes,
  processes: z.array(Process),
  listeners: z.array(Listener),
  services: Services,
  webServers: z.object({ nginx: Nginx.nullable(), apache: Apache.nullable() }),
  tls: z.object({ certificates: z.array(Certificate) }),
  apps: z.array(App),
  databases: z.object({ postgres: z.array(PostgresServer), mysql: z.array(MysqlServer) }),
  caches: z.object({ redis: z.array(RedisServer), memcached: z.array(MemcachedServer) }),
  cron: z.array(CronJob),
  firewall: Firewall,
  notRead: z.array(NotRead),
});
export type Inventory = z.infer<typeof Inventory>;
