import type { Agent } from 'node:http';
import type { Agent as HttpsAgent, AgentOptions as HttpsAgentOptions } from 'node:https';
import { resolveEndpoint, resolvingAgent, resolvingHttpsAgent } from './proxy/resolver.js';
import { setTestCa, TestCa } from './proxy/test-ca.js';
import { DoubleServer } from './server.js';
import type { ServiceDef } from './service-def.js';
import { acm } from './services/acm.js';
import { cloudfront } from './services/cloudfront.js';
import { cloudwatch } from './services/cloudwatch.js';
import { ec2 } from './services/ec2.js';
import { elasticBeanstalk } from './services/elastic-beanstalk.js';
import { elasticache } from './services/elasticache.js';
import { elb } from './services/elb.js';
import { elbv2 } from './services/elbv2.js';
import { events } from './services/events.js';
import { addUser, iam } from './services/iam.js';
import { lbProxies } from './services/load-balancers.js';
import { rds } from './services/rds.js';
import { route53 } from './services/route53.js';
import { s3 } from './services/s3.js';
import { secretsManager } from './services/secrets-manager.js';
import { quotaState, serviceQuotas } from './services/service-quotas.js';
import { ssm } from './services/ssm.js';
import { sts } from './services/sts.js';
import { World, type Endpoint } from './world.js';

export type { DoubleCredentials } from './identities.js';
export type { FaultHandle, FaultSpec } from './faults.js';
export type { DatabaseBackend, Endpoint, RecordedCall } from './world.js';

export const SERVICES: ServiceDef[] = [sts, iam, ec2, elasticBeanstalk, elb, elbv2, rds, elasticache, route53, s3, acm, ssm, secretsManager, cloudwatch, serviceQuotas, events, cloudfront];

export const DEFAULT_ACCOUNT = '123456789012';

/** A local AWS that the real SDK v3 clients talk to over their real wire protocols. */
export async function startAwsDouble(options: { speed?: number } = {}) {
  const world = new World(options.speed ?? 1);
  const ca = setTestCa(world, await TestCa.create());
  const server = new DoubleServer(world, SERVICES);
  const port = await server.listen();
  return {
    /** One endpoint for every service (`endpoint` / per-service overrides in the product). */
    endpoint: `http://127.0.0.1:${port}`,
    port,
    /** Virtual time: `clock.speed = 1000`, `clock.advance(ms)`. */
    clock: world.clock,
    faults: world.faults,
    /** Real local servers behind RDS, ElastiCache and EB environments. */
    backends: world.backends,
    /** Every call the double answered, in order. */
    calls: world.calls,
    /** The double's state, for assertions AWS offers no call for (read it, do not change it). */
    world,

    /** An IAM user with access keys (its account is created on first use). */
    createUser({ account = DEFAULT_ACCOUNT, userName = 'skylift-test' }: { account?: string; userName?: string } = {}) {
      const creds = world.identities.createUser(account, userName);
      addUser(world, account, userName, creds.arn, `AIDA${creds.accessKeyId.slice(4)}`);
      return creds;
    },
    rootCredentials(account = DEFAULT_ACCOUNT) {
      return world.identities.createRoot(account);
    },
    /** Takes IAM actions (globs such as `rds:*`) away from a user or role ARN. */
    deny(policySourceArn: string, actions: string[], { explicit = false } = {}) {
      world.identities.deny(policySourceArn, actions, explicit);
    },
    /** An applied Service Quotas value (e.g. `elasticbeanstalk`, `L-8EFC1C51`, 0). */
    setQuota(account: string, region: string, serviceCode: string, quotaCode: string, value: number) {
      quotaState(world, account, region).applied.set(`${serviceCode}/${quotaCode}`, value);
    },
    /** Runs every lifecycle step due at the current virtual time. */
    settle: () => world.scheduler.settle(),
    /** Where a connection to `host:port` lands (environment CNAMEs, LB names, Route 53 names). */
    async resolve(host: string, port = 80): Promise<Endpoint> {
      await world.scheduler.settle();
      return resolveEndpoint(world, host, port);
    },
    /** The CA (PEM) that signs every issued ACM certificate, hence what HTTPS/SSL listeners serve. */
    caCert: ca.cert,
    /** Its file, for a child process: NODE_EXTRA_CA_CERTS. */
    caFile: () => ca.certFile,
    /** An http.Agent that connects through `resolve` (for http, ws, socket.io-client). */
    agent(): Agent {
      return resolvingAgent(world);
    },
    /** The same for https / wss, checking the certificate against the name asked for: `{ ca: double.caCert }` trusts the double's CA. */
    httpsAgent(options: HttpsAgentOptions = {}): HttpsAgent {
      return resolvingHttpsAgent(world, options);
    },
    async close() {
      await lbProxies(world).closeAll();
      await server.close();
      await ca.close();
    },
  };
}

export type AwsDouble = Awaited<ReturnType<typeof startAwsDouble>>;
