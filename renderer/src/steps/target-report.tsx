import type { AwsCheckReport } from '../../../shared/schema/aws.js';

/** Who Skylift acts as, and whether anything would stop the plan. */
export function TargetReport({ report, credentials }: { report: AwsCheckReport; credentials: string }) {
  const count = (d: string) => report.permissions.actions.filter((a) => a.decision === d).length;
  return (
    <section className="card" aria-label="AWS account check">
      <h2>AWS account</h2>
      <dl className="facts">
        <dt>Identity</dt>
        <dd>
          {report.identity.arn} (account {report.identity.account})
        </dd>
        <dt>Credentials</dt>
        <dd>{credentials}</dd>
        <dt>Region</dt>
        <dd>{report.region}</dd>
        <dt>Permissions</dt>
        <dd>
          {count('allowed')} allowed, {count('denied')} denied, {count('could-not-verify')} not verifiable
        </dd>
        <dt>Quotas</dt>
        <dd>
          <ul>
            {report.quotas.map((q) => (
              <li key={q.quotaCode}>
                {q.name}: {q.used ?? '?'} of {q.limit ?? '?'} used, the plan needs {q.needed} — {q.status}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {report.problems.length === 0 ? (
        <p className="ok">Nothing here would stop the plan.</p>
      ) : (
        <div role="status" className="notice notice-warning">
          <p className="notice-title">Before going further:</p>
          <ul>
            {report.problems.map((p) => (
              <li key={p.what}>
                {p.what}. <strong>What to do:</strong> {p.hint}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
