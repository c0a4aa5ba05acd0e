import type { CredentialChoice } from '../../../shared/ipc/project.js';

export type CredentialKind = CredentialChoice['kind'];

/** What the person typed or chose: a region and where the credentials come from. */
export interface AwsAccountValue {
  region: string;
  kind: CredentialKind;
  profile: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Keep typed keys, encrypted (only where there is a project to keep them for). */
  remember: boolean;
}

export const awsAccountValue = (region: string, kind: CredentialKind): AwsAccountValue => ({ region, kind, profile: 'default', accessKeyId: '', secretAccessKey: '', remember: true });

export function credentialChoice(v: AwsAccountValue): CredentialChoice {
  return v.kind === 'profile' ? { kind: v.kind, profile: v.profile } : v.kind === 'keys' ? { kind: v.kind, accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey } : { kind: v.kind };
}

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1'];

/** Region and AWS credentials: a profile, typed keys, the project's saved keys, or the SDK's default chain. */
export function AwsAccountFields({ id, value, onChange, savedKeys, rememberable }: { id: string; value: AwsAccountValue; onChange: (v: AwsAccountValue) => void; savedKeys: boolean; rememberable: boolean }) {
  const set = (patch: Partial<AwsAccountValue>) => onChange({ ...value, ...patch });
  const radio = (kind: CredentialKind, label: string) => (
    <label className="inline">
      <input type="radio" name={`${id}-kind`} checked={value.kind === kind} onChange={() => set({ kind })} /> {label}
    </label>
  );
  return (
    <>
      <div className="grid">
        <label htmlFor={`${id}-region`}>Region</label>
        <input id={`${id}-region`} value={value.region} onChange={(e) => set({ region: e.target.value.trim() })} list={`${id}-regions`} />
        <datalist id={`${id}-regions`}>
          {REGIONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </div>
      <fieldset>
        <legend>AWS credentials</legend>
        {radio('profile', 'A profile from ~/.aws/config (SSO included)')}
        {radio('keys', 'Access keys')}
        {savedKeys && radio('saved-keys', 'The keys saved for this project')}
        {radio('default', 'Whatever the AWS SDK finds (environment, instance role)')}
      </fieldset>
      {value.kind === 'profile' && (
        <div className="grid">
          <label htmlFor={`${id}-profile`}>Profile</label>
          <input id={`${id}-profile`} value={value.profile} onChange={(e) => set({ profile: e.target.value })} />
        </div>
      )}
      {value.kind === 'keys' && (
        <div className="grid">
          <label htmlFor={`${id}-akid`}>Access key ID</label>
          <input id={`${id}-akid`} value={value.accessKeyId} autoComplete="off" onChange={(e) => set({ accessKeyId: e.target.value.trim() })} />
          <label htmlFor={`${id}-secret`}>Secret access key</label>
          <input id={`${id}-secret`} type="password" value={value.secretAccessKey} autoComplete="off" onChange={(e) => set({ secretAccessKey: e.target.value })} />
          {rememberable && (
            <>
              <span />
              <label className="inline">
                <input type="checkbox" checked={value.remember} onChange={(e) => set({ remember: e.target.checked })} /> Keep them, encrypted by your system's keychain
              </label>
            </>
          )}
        </div>
      )}
    </>
  );
}
