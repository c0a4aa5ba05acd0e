/**
 * Elastic Beanstalk's Route 53 hosted zone id per region, for an apex alias to an environment.
 * Regions missing here are not guessed: the plan then aliases the load balancer and reads its
 * CanonicalHostedZoneId at apply time.
 */

export const EB_HOSTED_ZONES_SOURCE = 'https://docs.aws.amazon.com/general/latest/gr/elasticbeanstalk.html';

export const EB_HOSTED_ZONES: Record<string, string> = {
  'us-east-1': 'Z117KPS5GTRQ2G',
  'us-east-2': 'Z14LCN19Q5QHIC',
  'us-west-1': 'Z1LQECGX5PH1X',
  'us-west-2': 'Z38NKT9BP95V3O',
  'ca-central-1': 'ZJFCZL7SSZB5I',
  'sa-east-1': 'Z10X7K2B4QSOFV',
  'eu-west-1': 'Z2NYPWQ7DFZAZH',
  'eu-west-2': 'Z1GKAAAUGATPF1',
  'eu-west-3': 'Z5WN6GAYWG5OB',
  'eu-central-1': 'Z1FRNW7UH4DEZJ',
  'eu-north-1': 'Z23GO28BZ5AETM',
  'ap-south-1': 'Z18NTBI3Y7N9TZ',
  'ap-southeast-1': 'Z16FZ9L249IFLT',
  'ap-southeast-2': 'Z2PCDNR3VC2G1N',
  'ap-northeast-1': 'Z1R25G3KIG2GBW',
  'ap-northeast-2': 'Z3JE5OI70TWKCP',
};
