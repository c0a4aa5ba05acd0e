import { useId, useState } from 'react';
import type { CredentialChoice, ProjectState } from '../../../shared/ipc/project.js';
import { ErrorNotice } from '../components/error-notice.js';
import { call } from '../skylift-api.js';
import { useRequest } from '../state/use-request.js';
import { TargetReport } from './target-report.js';
import { StepHeading } from '../components/step-heading.js';

type Kind = CredentialChoice['kind'];

const asList = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '');

/** Which AWS account and region; who Skylift acts as there; which domains move. */
export function TargetStep({ project, onChange, onNext }: { project: ProjectState; onChange: (p: ProjectState) => void; onNext: () => void }) {
  const target = project.meta.target;
  const [region, setRegion] = useState(target?.region ?? project.design?.migration.region ?? 'us-east-1');
  const [kind, setKind] = useState<Kind>(project.savedAwsKeys ? 'saved-keys' : 'profile');
  const [profile, setProfile] = useState('default');
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [remember, setRemember] = useState(true);
  const [domains, setDomains] = useState(asList(project.answers['dns.domains']));
  const [zone, setZone] = useState(asList(project.answers['dns.hostedZoneId']));
  const check = useRequest();
  const save = useRequest();
  const id = useId();

  const credentials = (): CredentialChoice =>
    kind === 'profile' ? { kind, profile } : kind === 'keys' ? { kind, accessKeyId, secretAccessKey } : { kind };

  const saveNames = () =>
    save.run(async () => {
      const list = domains.split(/[\s,]+/).filter(Boolean);
      const answers = { 'aws.region': region, ...(list.length ? { 'dns.domains': list } : {}), ...(zone.trim() ? { 'dns.hostedZoneId': zone.trim() } : {}) };
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
            onChange(await call('target:check', { projectId: project.meta.id, region, credentials: credentials(), remember }));
            setSecretAccessKey('');
          });
        }}
      >
        <div className="grid">
          <label htmlFor={`${id}-region`}>Region</label>
          <input id={`${id}-region`} value={region} onChange={(e) => setRegion(e.target.value.trim())} list={`${id}-regions`} />
          <datalist id={`${id}-regions`}>
            {['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1'].map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </div>
        <fieldset>
          <legend>AWS credentials</legend>
          <label className="inline">
            <input type="radio" name={`${id}-kind`} checked={kind === 'profile'} onChange={() => setKind('profile')} /> A profile from ~/.aws/config (SSO included)
          </label>
          <label className="inline">
            <input type="radio" name={`${id}-kind`} checked={kind === 'keys'} onChange={() => setKind('keys')} /> Access keys
          </label>
          {project.savedAwsKeys && (
            <label className="inline">
              <input type="radio" name={`${id}-kind`} checked={kind === 'saved-keys'} onChange={() => setKind('saved-keys')} /> The keys saved for this project
            </label>
          )}
          <label className="inline">
            <input type="radio" name={`${id}-kind`} checked={kind === 'default'} onChange={() => setKind('default')} /> Whatever the AWS SDK finds (environment, instance role)
          </label>
        </fieldset>
        {kind === 'profile' && (
          <div className="grid">
            <label htmlFor={`${id}-profile`}>Profile</label>
            <input id={`${id}-profile`} value={profile} onChange={(e) => setProfile(e.target.value)} />
          </div>
        )}
        {kind === 'keys' && (
          <div className="grid">
            <label htmlFor={`${id}-akid`}>Access key ID</label>
            <input id={`${id}-akid`} value={accessKeyId} autoComplete="off" onChange={(e) => setAccessKeyId(e.target.value.trim())} />
            <label htmlFor={`${id}-secret`}>Secret access key</label>
            <input id={`${id}-secret`} type="password" value={secretAccessKey} autoComplete="off" onChange={(e) => setSecretAccessKey(e.target.value)} />
            <span />
            <label className="inline">
              <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Keep them, encrypted by your system's keychain
            </label>
          </div>
        )}
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
