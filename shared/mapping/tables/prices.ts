/**
 * On-demand prices for the target (offline snapshot, USD). Only us-east-1 is in the snapshot;
 * any other region's prices are shown as unknown rather than guessed. Traffic-based charges
 * (LCUs, data transfer, requests) are unknown from an inventory and listed as such.
 */

export interface Price {
  usd: number;
  unit: 'hour' | 'GB-month' | 'month';
  source: string;
}

export const PRICE_DATE = '2026-11-26';
export const PRICED_REGION = 'us-east-1';

const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const RDS_PG = 'https://aws.amazon.com/rds/postgresql/pricing/';
const RDS_MYSQL = 'https://aws.amazon.com/rds/mysql/pricing/';
const RDS_MARIADB = 'https://aws.amazon.com/rds/mariadb/pricing/';
const CACHE = 'https://aws.amazon.com/elasticache/pricing/';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const EFS = 'https://aws.amazon.com/efs/pricing/';
const R53 = 'https://aws.amazon.com/route53/pricing/';
const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';

const hour = (usd: number, source: string): Price => ({ usd, unit: 'hour', source });

export const EC2_HOURLY: Record<string, Price> = {
  't3.micro': hour(0.0104, EC2),
  't3.small': hour(0.0208, EC2),
  't3.medium': hour(0.0416, EC2),
  't3.large': hour(0.0832, EC2),
  'c7i.large': hour(0.08925, EC2),
  'm7i.large': hour(0.1008, EC2),
  'm7i.xlarge': hour(0.2016, EC2),
  'm7i.2xlarge': hour(0.4032, EC2),
};

/** Single-AZ; Multi-AZ (one standby) is twice the instance price. */
export const RDS_HOURLY: Record<'postgres' | 'mysql' | 'mariadb', Record<string, Price>> = {
  postgres: { 'db.t4g.micro': hour(0.016, RDS_PG), 'db.t4g.small': hour(0.032, RDS_PG), 'db.t4g.medium': hour(0.065, RDS_PG), 'db.t4g.large': hour(0.129, RDS_PG) },
  mysql: { 'db.t4g.micro': hour(0.016, RDS_MYSQL), 'db.t4g.small': hour(0.032, RDS_MYSQL), 'db.t4g.medium': hour(0.065, RDS_MYSQL), 'db.t4g.large': hour(0.129, RDS_MYSQL) },
  mariadb: { 'db.t4g.micro': hour(0.016, RDS_MARIADB), 'db.t4g.small': hour(0.032, RDS_MARIADB), 'db.t4g.medium': hour(0.065, RDS_MARIADB), 'db.t4g.large': hour(0.129, RDS_MARIADB) },
};

/** gp3 storage, single-AZ; Multi-AZ stores twice. */
export const RDS_GP3_GB_MONTH: Record<'postgres' | 'mysql' | 'mariadb', Price> = {
  postgres: { usd: 0.115, unit: 'GB-month', source: RDS_PG },
  mysql: { usd: 0.115, unit: 'GB-month', source: RDS_MYSQL },
  mariadb: { usd: 0.115, unit: 'GB-month', source: RDS_MARIADB },
};

/** Redis OSS and Memcached node prices; Valkey nodes are 20% lower. */
export const CACHE_HOURLY: Record<string, Price> = {
  'cache.t4g.micro': hour(0.016, CACHE),
  'cache.t4g.small': hour(0.032, CACHE),
  'cache.t4g.medium': hour(0.065, CACHE),
};
export const VALKEY_DISCOUNT = 0.2;

export const ALB_HOURLY = hour(0.0225, ELB);
export const CLB_HOURLY = hour(0.025, ELB);
export const PUBLIC_IPV4_HOURLY = hour(0.005, VPC);
export const NAT_GATEWAY_HOURLY = hour(0.045, VPC);
export const S3_STANDARD_GB_MONTH: Price = { usd: 0.023, unit: 'GB-month', source: S3 };
export const EFS_STANDARD_GB_MONTH: Price = { usd: 0.3, unit: 'GB-month', source: EFS };
export const ROUTE53_ZONE_MONTH: Price = { usd: 0.5, unit: 'month', source: R53 };
export const SECRET_MONTH: Price = { usd: 0.4, unit: 'month', source: SECRETS };

/** AWS bills these per hour; a month is 730 hours in AWS's own calculator. */
export const HOURS_PER_MONTH = 730;
