import { CreateApplicationCommand, CreateEnvironmentCommand, type ConfigurationOptionSetting, type EnvironmentDescription } from '@aws-sdk/client-elastic-beanstalk';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from '../../../electron/engine/aws/clients.js';

export const NODE22 = 'arn:aws:elasticbeanstalk:us-east-1::platform/Node.js 22 running on 64bit Amazon Linux 2023/6.7.1';
export const opt = (Namespace: string, OptionName: string, Value: string): ConfigurationOptionSetting => ({ Namespace, OptionName, Value });

const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

/** What every environment needs first: the instance profile and an application. */
export async function prepareEb(clients: AwsClients, application = 'app'): Promise<void> {
  await clients.iam.send(new CreateRoleCommand({ RoleName: 'eb-ec2', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }));
  await clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'eb-ec2' }));
  await clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'eb-ec2', RoleName: 'eb-ec2' }));
  await clients.elasticbeanstalk.send(new CreateApplicationCommand({ ApplicationName: application }));
}

export function createEnvironment(clients: AwsClients, name: string, options: ConfigurationOptionSetting[] = [], application = 'app'): Promise<EnvironmentDescription> {
  return clients.elasticbeanstalk.send(
    new CreateEnvironmentCommand({
      ApplicationName: application,
      EnvironmentName: name,
      CNAMEPrefix: name,
      PlatformArn: NODE22,
      OptionSettings: [opt('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', 'eb-ec2'), ...options],
    }),
  );
}
