import * as acm from '@aws-sdk/client-acm';
import * as cloudfront from '@aws-sdk/client-cloudfront';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as ec2 from '@aws-sdk/client-ec2';
import * as eb from '@aws-sdk/client-elastic-beanstalk';
import * as elb from '@aws-sdk/client-elastic-load-balancing';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as elasticache from '@aws-sdk/client-elasticache';
import * as events from '@aws-sdk/client-eventbridge';
import * as iam from '@aws-sdk/client-iam';
import * as rds from '@aws-sdk/client-rds';
import * as route53 from '@aws-sdk/client-route-53';
import * as s3 from '@aws-sdk/client-s3';
import * as secretsmanager from '@aws-sdk/client-secrets-manager';
import * as servicequotas from '@aws-sdk/client-service-quotas';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { findOperation } from '../aws/operations.js';
import { AWS_CLIENTS, type AwsService } from '../aws/services.js';

const MODULES: Record<AwsService, Record<string, unknown>> = { acm, cloudfront, cloudwatch, ec2, elasticbeanstalk: eb, elb, elbv2, elasticache, events, iam, rds, route53, s3, secretsmanager, servicequotas, ssm, sts };

export type AwsResponse = Record<string, unknown>;

export const isAwsService = (service: string): service is AwsService => Object.hasOwn(AWS_CLIENTS, service);

/** Whether Skylift can make this call at all (a known service, a registered operation). */
export function callable(service: string, operation: string): boolean {
  return isAwsService(service) && findOperation(service, operation) !== undefined && typeof MODULES[service][`${operation}Command`] === 'function';
}

/** One AWS call by service and operation name, through the guarded product clients. */
export async function callAws(clients: AwsClients, service: string, operation: string, input: unknown, signal?: AbortSignal): Promise<AwsResponse> {
  if (!isAwsService(service)) throw Object.assign(new Error(`the plan calls ${service}:${operation}, a service Skylift does not talk to`), { code: 'UNSUPPORTED_OPERATION', hint: 'do this step by hand, or plan without the feature that needs it' });
  const Command = MODULES[service][`${operation}Command`] as (new (input: unknown) => unknown) | undefined;
  if (!Command) throw Object.assign(new Error(`${service} has no operation ${operation}`), { code: 'UNSUPPORTED_OPERATION', hint: 'the plan is malformed: regenerate it with skylift plan' });
  const client = clients[service] as unknown as { send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<AwsResponse> };
  return client.send(new Command(input), signal ? { abortSignal: signal } : undefined);
}

/** An AWS error's code without the SDK's `Exception`/`Fault` suffix. */
export function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string };
  return (e?.Code ?? e?.name ?? '').replace(/(Exception|Fault)$/, '');
}

export const httpStatus = (err: unknown): number | undefined => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
