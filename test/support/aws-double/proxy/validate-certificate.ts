import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { AwsDouble, DoubleCredentials } from '../index.js';

/**
 * For tests that need a certificate on a listener: validates a requested ACM certificate the way
 * a user does (its validation CNAMEs into a Route 53 zone of the account) and moves the clock
 * until ACM issues it — from then on HTTPS/SSL listeners naming it serve it.
 */
export async function validateCertificate(double: AwsDouble, user: DoubleCredentials, zoneId: string, arn: string, region = 'us-east-1'): Promise<void> {
  const config = { region, endpoint: double.endpoint, credentials: user };
  const acm = new ACMClient(config);
  const route53 = new Route53Client(config);
  const status = async () => (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!;
  try {
    // ACM shows the validation records a few seconds after the request.
    double.clock.advance(10_000);
    await double.settle();
    const changes = (await status()).DomainValidationOptions!.map((o) => ({
      Action: 'UPSERT' as const,
      ResourceRecordSet: { Name: o.ResourceRecord!.Name!, Type: 'CNAME' as const, TTL: 300, ResourceRecords: [{ Value: o.ResourceRecord!.Value! }] },
    }));
    await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
    // It sees them on one of its polls and issues a minute later.
    for (let minute = 0; minute < 5 && (await status()).Status !== 'ISSUED'; minute++) {
      double.clock.advance(60_000);
      await double.settle();
    }
    const cert = await status();
    if (cert.Status !== 'ISSUED') throw new Error(`certificate ${arn} is ${cert.Status}, not ISSUED, after its validation records were created`);
  } finally {
    acm.destroy();
    route53.destroy();
  }
}
