import { AwsFault } from './errors.js';
import { ids } from './ids.js';

export interface Principal {
  account: string;
  arn: string;
  userId: string;
  /** The IAM user or role whose policies decide what this principal may do. */
  policySourceArn: string;
}

export interface DoubleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  account: string;
  arn: string;
}

interface KeyRecord {
  secret: string;
  sessionToken?: string;
  principal: Principal;
}

interface Denial {
  pattern: RegExp;
  explicit: boolean;
}

const actionPattern = (glob: string) => new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');

/** Access keys → accounts and principals, and the permissions a test takes away. */
export class Identities {
  private keys = new Map<string, KeyRecord>();
  private denials = new Map<string, Denial[]>();

  createUser(account: string, userName: string): DoubleCredentials {
    const arn = `arn:aws:iam::${account}:user/${userName}`;
    return this.issue({ account, arn, userId: `AIDA${ids.upper(17)}`, policySourceArn: arn }, 'AKIA');
  }

  createRoot(account: string): DoubleCredentials {
    const arn = `arn:aws:iam::${account}:root`;
    return this.issue({ account, arn, userId: account, policySourceArn: arn }, 'AKIA');
  }

  /** Temporary credentials for an assumed role (what STS AssumeRole hands out). */
  assumeRole(roleArn: string, roleId: string, sessionName: string): DoubleCredentials {
    const [, , , , account = '', resource = ''] = roleArn.split(':');
    const roleName = resource.split('/').pop() ?? '';
    const principal: Principal = {
      account,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      policySourceArn: roleArn,
    };
    return this.issue(principal, 'ASIA', `FwoGZXIvYXdzE${ids.lower(120)}`);
  }

  private issue(principal: Principal, prefix: string, sessionToken?: string): DoubleCredentials {
    const accessKeyId = `${prefix}${ids.upper(16)}`;
    const secretAccessKey = ids.lower(40);
    this.keys.set(accessKeyId, { secret: secretAccessKey, principal, ...(sessionToken ? { sessionToken } : {}) });
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}), account: principal.account, arn: principal.arn };
  }

  /** The secret and principal behind a key; unknown keys fail like AWS's InvalidClientTokenId. */
  authenticate(accessKeyId: string, sessionToken: string | undefined): KeyRecord {
    const record = this.keys.get(accessKeyId);
    if (!record) throw new AwsFault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    if (record.sessionToken !== sessionToken) {
      throw new AwsFault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    }
    return record;
  }

  /** Takes actions (globs such as `rds:*`) away from a user or role. */
  deny(policySourceArn: string, actions: string[], explicit = false): void {
    const list = this.denials.get(policySourceArn) ?? [];
    list.push(...actions.map((a) => ({ pattern: actionPattern(a), explicit })));
    this.denials.set(policySourceArn, list);
  }

  /** 'allowed' unless denied; the root user may do anything. */
  decide(policySourceArn: string, action: string): 'allowed' | 'implicitDeny' | 'explicitDeny' {
    const hit = this.denials.get(policySourceArn)?.find((d) => d.pattern.test(action));
    if (!hit) return 'allowed';
    return hit.explicit ? 'explicitDeny' : 'implicitDeny';
  }
}
