import { useId, useState } from 'react';
import type { ProjectState } from '../../../shared/ipc/project.js';
import { AwsAccountFields, awsAccountValue, credentialChoice } from '../components/aws-account-fields.js';
import { ErrorNotice } from '../components/error-notice.js';
import { call } from '../skylift-api.js';
import { useRequest } from '../state/use-request.js';
import { TargetReport } from './target-report.js';
import { StepHeading } from '../components/step-heading.js';

const asList = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '');

/** Which AWS account and region; who Skylift acts as there; which domains move. */
export function TargetStep({ project, onChange, onNext }: { project: ProjectState; onChange: (p: ProjectState) => void; onNext: () => void }) {
  const target = project.meta.target;
  const [account, setAccount] = useState(() => awsAccountValue(target?.region ?? project.design?.migration.region ?? 'us-east-1', project.savedAwsKeys ? 'saved-keys' : 'profile'));
  const [domains, setDomains] = useState(asList(project.answers['dns.domains']));
  const [zone, setZone] = useState(asList(project.answers['dns.hostedZoneId']));
  const check = useRequest();
  const save = useRequest();
  const id = useId();

  const saveNames = () =>
    save.run(async () => {
      const list = domains.split(/[\s,]+/).filter(Boolean);
      const answers = { 'aws.region': account.region, ...(list.length ? { 'dns.domains': list } : {}), ...(zone.trim() ? { 'dns.hostedZoneId': zone.trim() } : {}) };
      const clear = [...(list.length ? [] : ['dns.domains']), ...(zone.trim() ? [] : ['dns.hostedZoneId'])];
      onChange(await call('design:answer', { projectId: project.meta.id, answers, clear }));
      onNext();
    });

  return (
    <section aria-labelledby="target-title">
      <StepHeading id="target-title">
        Where on AWS?
      </StepHeading>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void check.run(async () => {
            onChange(await call('target:check', { projectId: project.meta.id, region: account.region, credentials: credentialChoice(account), remember: account.remember }));
            setAccount((a) => ({ ...a, secretAccessKey: '' }));
          });
        }}
      >
        <AwsAccountFields id={id} value={account} onChange={setAccount} savedKeys={project.savedAwsKeys} rememberable />
        <div className="actions">
          <button type="submit" className="primary" disabled={check.busy}>
            {check.busy ? 'Checking…' : 'Check the account'}
          </button>
        </div>
        <ErrorNotice error={check.error} />
      </form>
      {target?.report && <TargetReport report={target.report} credentials={target.credentials} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void saveNames();
        }}
      >
        <h2>Domains</h2>
        <div className="grid">
          <label htmlFor={`${id}-domains`}>Domain names the app serves</label>
          <input id={`${id}-domains`} value={domains} placeholder={project.design?.resources.dns.records.map((r) => r.name).join(', ') || 'chat.example.com'} onChange={(e) => setDomains(e.target.value)} />
          <label htmlFor={`${id}-zone`}>Route 53 hosted zone ID (if the domain is there)</label>
          <input id={`${id}-zone`} value={zone} placeholder="Z0123456789ABC" onChange={(e) => setZone(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className={target ? 'primary' : undefined} disabled={save.busy}>
            {target ? 'Continue to the design' : 'Continue without an AWS account (dry run)'}
          </button>
        </div>
        <ErrorNotice error={save.error} />
      </form>
    </section>
  );
}
