import { join } from 'node:path';
import type { CredentialChoice, TargetState } from '../../../shared/ipc/project.js';
import { awsCheck } from '../../engine/aws/aws-check.js';
import { createAwsClients } from '../../engine/aws/clients.js';
import { forgetAccessKeys, loadAccessKeys, saveAccessKeys } from '../../engine/aws/credential-store.js';
import { describeCredentialSource, type CredentialSource } from '../../engine/aws/credentials.js';
import { AWS_KEYS_FILE } from '../../engine/projects/project-secrets.js';
import { assertPlanOpen } from './cutover.js';
import type { HandlerDeps } from './deps.js';
import type { Handlers } from './dispatch.js';
import { projectState } from './project-state.js';
import { UiFailure } from './ui-error.js';

/** A UI waits on this check: fail in seconds rather than retry for a minute. */
const CHECK_ATTEMPTS = 2;

async function credentialSource(choice: CredentialChoice, keysFile: string, deps: HandlerDeps): Promise<CredentialSource> {
  switch (choice.kind) {
    case 'default':
      return { kind: 'default' };
    case 'profile':
      return { kind: 'profile', profile: choice.profile };
    case 'keys':
      return { kind: 'keys', accessKeyId: choice.accessKeyId, secretAccessKey: choice.secretAccessKey };
    case 'saved-keys': {
      const keys = await loadAccessKeys(keysFile, deps.encryptor);
      if (!keys) throw new UiFailure('NO_SAVED_KEYS', 'no AWS keys are saved for this project', 'type the access key id and secret again');
      return keys;
    }
  }
}

export function targetHandlers(deps: HandlerDeps): Pick<Handlers, 'target:check'> {
  return {
    'target:check': async ({ projectId, region, credentials, remember }) => {
      await assertPlanOpen(deps, projectId);
      const keysFile = join(deps.store.dir(projectId), AWS_KEYS_FILE);
      const source = await credentialSource(credentials, keysFile, deps);
      const clients = createAwsClients({ region, credentials: source, maxAttempts: CHECK_ATTEMPTS, ...(deps.awsEndpointUrl ? { endpointUrl: deps.awsEndpointUrl } : {}) });
      const report = await awsCheck(clients, deps.awsEndpointUrl ? { endpoint: deps.awsEndpointUrl } : {}).finally(() => clients.destroy());
      if (source.kind === 'keys' && credentials.kind === 'keys') {
        if (remember) await saveAccessKeys(keysFile, deps.encryptor, source);
        else await forgetAccessKeys(keysFile);
      }
      const kept: TargetState['source'] =
        credentials.kind === 'keys' ? { kind: remember ? 'saved-keys' : 'typed-keys' } : credentials.kind === 'profile' ? { kind: 'profile', profile: credentials.profile } : { kind: credentials.kind };
      await deps.store.updateMeta(projectId, (m) => ({ ...m, target: { region, source: kept, credentials: describeCredentialSource(source), report } }));
      const answers = await deps.store.answers(projectId);
      await deps.store.saveAnswers(projectId, { ...answers, 'aws.region': region, 'aws.accountId': report.identity.account });
      return projectState(deps, projectId, { savePlan: true });
    },
  };
}
