import { z } from 'zod';
import { AnswerRecord, AnswerValue, Question, QuestionChoice } from './answers.js';

/**
 * The TargetDesign: what the box becomes on AWS. Every decision carries its value, the reason,
 * the inventory facts behind it, the alternatives and any warning; every inventory item is
 * either mapped or listed as not mapped with why; blockers name their resolutions. The design
 * says *what*; the Plan (plan.ts) says *how and in which order*.
 */

export const DESIGN_SCHEMA_VERSION = 1 as const;

export const Area = z.enum(['general', 'eb', 'load-balancer', 'env', 'rds', 'elasticache', 'network', 'iam', 'storage', 'cron', 'dns', 'cost']);
export type Area = z.infer<typeof Area>;

/** The row of a sizing/version table a decision used, shown in the runbook. */
export const TableRow = z.object({
  table: z.string(),
  row: z.string(),
  reason: z.string(),
  source: z.string(),
});
export type TableRow = z.infer<typeof TableRow>;

export const Decision = z.object({
  id: z.string(),
  area: Area,
  title: z.string(),
  value: AnswerValue,
  reason: z.string(),
  facts: z.array(z.string()),
  alternatives: z.array(z.object({ value: z.string(), why: z.string() })),
  warnings: z.array(z.string()),
  tableRow: TableRow.nullable(),
  answerKey: z.string().nullable(),
  /**
   * Where the value came from: the box's evidence, the user's answer, a defaulted answer with no
   * evidence behind it, or a fixed rule of the planner.
   */
  basis: z.enum(['evidence', 'answer', 'default', 'rule']),
});
export type Decision = z.infer<typeof Decision>;

export const Blocker = z.object({
  id: z.string(),
  area: Area,
  title: z.string(),
  detail: z.string(),
  facts: z.array(z.string()),
  resolutions: z.array(QuestionChoice),
  /** The answer key that resolves it; null when only changing other answers or the box can. */
  answerKey: z.string().nullable(),
  /** The chosen resolution, or null while the blocker is open. */
  resolution: z.string().nullable(),
});
export type Blocker = z.infer<typeof Blocker>;

export const CoverageItem = z.object({
  /** Stable reference to the inventory item, e.g. `app:chat`, `postgres:5432/shop`, `cron:3`. */
  ref: z.string(),
  /** The inventory (target label) the item was found on. */
  source: z.string(),
  kind: z.string(),
  status: z.enum(['mapped', 'not-mapped']),
  /** Where it went, or why it was not mapped. */
  detail: z.string(),
});
export type CoverageItem = z.infer<typeof CoverageItem>;

export const OpenQuestion = z.object({
  key: z.string().nullable(),
  text: z.string(),
  assumption: z.string(),
});
export type OpenQuestion = z.infer<typeof OpenQuestion>;

/** A value only known once a resource exists (an ARN, an endpoint); the plan binds it to a step output. */
export const ResourceRef = z.object({ resource: z.string(), attribute: z.string() });
export type ResourceRef = z.infer<typeof ResourceRef>;

export const OptionSetting = z.object({
  namespace: z.string(),
  optionName: z.string(),
  value: z.union([z.string(), ResourceRef]),
});
export type OptionSetting = z.infer<typeof OptionSetting>;

export const EnvVarValue = z.discriminatedUnion('kind', [
  /** Read from the box at apply time (the plan never holds the value). */
  z.object({ kind: z.literal('copy-from-box') }),
  z.object({ kind: z.literal('literal'), value: z.string() }),
  /** The box's value with its host/port replaced by a new endpoint (DB_HOST, DATABASE_URL…). */
  z.object({ kind: z.literal('rewrite-endpoint'), resource: z.string() }),
  /** A random value the runner creates at apply time (a shared token between AWS services and the app). */
  z.object({ kind: z.literal('generated') }),
]);
export type EnvVarValue = z.infer<typeof EnvVarValue>;

export const EnvVar = z.object({
  name: z.string(),
  /** Where the box defines it (.env path, pm2, systemd unit). */
  source: z.string(),
  store: z.enum(['environment', 'ssm']),
  value: EnvVarValue,
  /** SSM parameter name when store = ssm. */
  parameterName: z.string().nullable(),
  note: z.string(),
});
export type EnvVar = z.infer<typeof EnvVar>;

export const CronEntry = z.object({ name: z.string(), url: z.string(), schedule: z.string() });
export type CronEntry = z.infer<typeof CronEntry>;

export const EbEnvironment = z.object({
  id: z.string(),
  appName: z.string(),
  /** Where the app runs today and how it is stopped and started there (for the write freeze). */
  sources: z.array(
    z.object({
      label: z.string(),
      dir: z.string(),
      control: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('pm2'), user: z.string(), name: z.string(), /** The pm2 the inventory found (nvm installs are off the default PATH). */ bin: z.string().nullable() }),
        z.object({ kind: z.literal('systemd'), unit: z.string() }),
        z.object({ kind: z.literal('manual') }),
      ]),
    }),
  ),
  nodes: z.number().int(),
  applicationName: z.string(),
  environmentName: z.string(),
  cnamePrefix: z.string(),
  existing: z.object({ name: z.string(), loadBalancer: z.enum(['classic', 'application']) }).nullable(),
  platform: z.object({ nodeMajor: z.number().int(), branch: z.string(), platformArn: z.string() }),
  instanceType: z.string(),
  minSize: z.number().int(),
  maxSize: z.number().int(),
  loadBalancer: z.enum(['application', 'classic']),
  websocket: z.boolean(),
  socketio: z.boolean(),
  /** Where a real WebSocket handshake is tried through the new load balancer. */
  websocketPath: z.string().nullable(),
  healthCheckPath: z.string(),
  port: z.number().int(),
  procfile: z.string(),
  envVars: z.array(EnvVar),
  optionSettings: z.array(OptionSetting),
  nginx: z.object({
    websocket: z.boolean(),
    readTimeoutSeconds: z.number().int(),
    clientMaxBodySize: z.string().nullable(),
  }),
  staticFiles: z.array(z.object({ urlPath: z.string(), dir: z.string() })),
  worker: z.object({ environmentName: z.string(), instanceType: z.string(), cron: z.array(CronEntry) }).nullable(),
  /** Folder of the exported eb/ bundle for this environment, relative to the export root. */
  bundleDir: z.string(),
  code: z.object({
    label: z.string(),
    dir: z.string(),
    gitRemote: z.string().nullable(),
    gitCommit: z.string().nullable(),
    excludes: z.array(z.string()),
  }),
  domains: z.array(z.string()),
});
export type EbEnvironment = z.infer<typeof EbEnvironment>;

export const DbEngine = z.enum(['postgres', 'mysql', 'mariadb']);
export type DbEngine = z.infer<typeof DbEngine>;

export const RdsInstance = z.object({
  id: z.string(),
  identifier: z.string(),
  engine: DbEngine,
  sourceVersion: z.string().nullable(),
  engineVersion: z.string(),
  instanceClass: z.string(),
  allocatedStorageGiB: z.number().int(),
  maxAllocatedStorageGiB: z.number().int(),
  multiAz: z.boolean(),
  port: z.number().int(),
  source: z.object({ label: z.string(), port: z.number().int(), databases: z.array(z.string()), sizeBytes: z.number().nullable() }),
  copyMethod: z.enum(['dump', 'replication']),
  excludedExtensions: z.array(z.string()),
  convertMyisam: z.boolean(),
});
export type RdsInstance = z.infer<typeof RdsInstance>;

export const CacheCluster = z.object({
  id: z.string(),
  identifier: z.string(),
  engine: z.enum(['valkey', 'redis', 'memcached']),
  sourceVersion: z.string().nullable(),
  engineVersion: z.string(),
  nodeType: z.string(),
  /** Replicas beside the primary (0 = single node). */
  replicas: z.number().int(),
  port: z.number().int(),
  source: z.object({ label: z.string(), port: z.number().int() }),
  dataMove: z.enum(['cold', 'key-copy', 'rdb-seed']),
});
export type CacheCluster = z.infer<typeof CacheCluster>;

export const DirSource = z.object({ label: z.string(), path: z.string(), sizeBytes: z.number().nullable() });

export const Bucket = z.object({
  id: z.string(),
  name: z.string(),
  purpose: z.enum(['uploads', 'static']),
  cloudfront: z.boolean(),
  environment: z.string(),
  sources: z.array(DirSource),
});
export type Bucket = z.infer<typeof Bucket>;

export const FileSystem = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.string(),
  mountPath: z.string(),
  sources: z.array(DirSource),
});
export type FileSystem = z.infer<typeof FileSystem>;

export const ScheduledJob = z.object({
  id: z.string(),
  source: z.string(),
  schedule: z.string(),
  /** The crontab command with secret-looking values redacted. */
  command: z.string(),
  mapping: z.enum(['worker-cron', 'eventbridge', 'manual', 'replaced']),
  environment: z.string().nullable(),
  /** The app path a worker or EventBridge calls (worker-cron, eventbridge). */
  path: z.string().nullable(),
  /** The schedule in the target's syntax: cron.yaml (5 fields, UTC) or EventBridge cron(…). */
  targetSchedule: z.string().nullable(),
  reason: z.string(),
});
export type ScheduledJob = z.infer<typeof ScheduledJob>;

export const SecurityGroup = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  ingress: z.array(
    z.object({
      port: z.number().int(),
      from: z.union([z.object({ group: z.string() }), z.object({ boxOf: z.string() })]),
      temporary: z.boolean(),
      why: z.string(),
    }),
  ),
});
export type SecurityGroup = z.infer<typeof SecurityGroup>;

/** How the copy's bytes reach the private data stores, and (replication) how RDS reaches the box; null where nothing needs a path. */
export const CopyPath = z.object({
  /** The runner's copy to RDS: a Session Manager port forward through an app instance, or RDS made public for the copy with its security group admitting only the box and the operator. */
  databases: z.enum(['ssm-relay', 'public-locked']).nullable(),
  /** ElastiCache is never public: always through an app instance. */
  caches: z.literal('ssm-relay').nullable(),
  /** RDS pulling changes from the box: the box's firewall admits RDS's egress address, or a reverse SSH tunnel through a relay inside the VPC. */
  replication: z.enum(['box-allow-list', 'reverse-tunnel']).nullable(),
});
export type CopyPath = z.infer<typeof CopyPath>;

export const Network = z.object({
  vpc: z.enum(['default', 'new', 'existing']),
  /** The VPC to reuse when vpc = existing. */
  vpcId: z.string().nullable(),
  cidr: z.string().nullable(),
  securityGroups: z.array(SecurityGroup),
  copyPath: CopyPath,
});

/** How writes stop on one box at the cutover; the databases moved from it are made read-only as well. */
export const WriteFreeze = z.object({
  label: z.string(),
  /**
   * nginx in front of the app answers 503 with Retry-After: its main config, the files holding the
   * proxying server blocks, and where the box checks the answer itself (a named server, sent to its
   * listener); null without nginx (the apps are stopped instead).
   */
  nginx: z
    .object({
      configFile: z.string(),
      files: z.array(z.string()),
      check: z.object({ url: z.string(), name: z.string(), port: z.number().int(), address: z.string() }).nullable(),
    })
    .nullable(),
});
export type WriteFreeze = z.infer<typeof WriteFreeze>;
export type Network = z.infer<typeof Network>;

export const Iam = z.object({
  instanceRole: z.string(),
  instanceProfile: z.string(),
  serviceRole: z.string(),
  instanceManagedPolicies: z.array(z.string()),
  serviceManagedPolicies: z.array(z.string()),
  instanceStatements: z.array(
    z.object({ sid: z.string(), actions: z.array(z.string()), resources: z.array(z.union([z.string(), ResourceRef])) }),
  ),
});
export type Iam = z.infer<typeof Iam>;

export const DnsProvider = z.enum(['route53', 'digitalocean', 'linode', 'registrar', 'other', 'unknown']);
export type DnsProvider = z.infer<typeof DnsProvider>;

export const DnsRecord = z.object({
  name: z.string(),
  apex: z.boolean(),
  environment: z.string(),
  /** Route 53 alias (apex) or CNAME to the environment's CNAME. */
  type: z.enum(['alias', 'cname']),
});
export type DnsRecord = z.infer<typeof DnsRecord>;

export const Dns = z.object({
  provider: DnsProvider,
  mode: z.enum(['route53-records', 'import-zone', 'manual-record', 'none']),
  zones: z.array(z.string()),
  hostedZoneId: z.string().nullable(),
  records: z.array(DnsRecord),
  currentTtlSeconds: z.number().int(),
  loweredTtlSeconds: z.number().int(),
  certificateNames: z.array(z.string()),
  /** Elastic Beanstalk's Route 53 zone id for the region; null when the table lacks it. */
  ebHostedZoneId: z.string().nullable(),
});
export type Dns = z.infer<typeof Dns>;

export const CostLine = z.object({
  item: z.string(),
  monthlyUsd: z.number().nullable(),
  basis: z.string(),
  source: z.string(),
});
export type CostLine = z.infer<typeof CostLine>;

export const Cost = z.object({
  priceDate: z.string(),
  region: z.string(),
  lines: z.array(CostLine),
  knownMonthlyUsd: z.number(),
  unknown: z.array(z.string()),
  sourceBoxes: z.array(CostLine),
  budgetMonthlyUsd: z.number().nullable(),
});
export type Cost = z.infer<typeof Cost>;

export const TargetDesign = z.object({
  schemaVersion: z.literal(DESIGN_SCHEMA_VERSION),
  migration: z.object({
    name: z.string(),
    region: z.string(),
    accountId: z.string().nullable(),
    tablesAsOf: z.string(),
    sources: z.array(
      z.object({ label: z.string(), hostname: z.string().nullable(), provider: z.string(), collectedAt: z.string() }),
    ),
  }),
  answers: z.array(AnswerRecord),
  questions: z.array(Question),
  /** Answer keys given that no question used (typos, questions that no longer apply). */
  unusedAnswers: z.array(z.string()),
  decisions: z.array(Decision),
  blockers: z.array(Blocker),
  coverage: z.array(CoverageItem),
  openQuestions: z.array(OpenQuestion),
  resources: z.object({
    network: Network,
    iam: Iam,
    environments: z.array(EbEnvironment),
    databases: z.array(RdsInstance),
    caches: z.array(CacheCluster),
    buckets: z.array(Bucket),
    fileSystems: z.array(FileSystem),
    schedules: z.array(ScheduledJob),
    dns: Dns,
    freeze: z.array(WriteFreeze),
  }),
  cost: Cost,
});
export type TargetDesign = z.infer<typeof TargetDesign>;
