import { createHash } from 'node:crypto';
import { checkExpression } from '../../../shared/runner/jmespath.js';
import { refsOf } from '../../../shared/runner/resolve.js';
import { ancestorsOf } from '../../../shared/runner/schedule.js';
import type { Json } from '../../../shared/runner/jmespath.js';
import { Plan, type Action, type PlanStep } from '../../../shared/schema/plan.js';
import { callable } from './aws-call.js';
import { canCopy } from './exec-data.js';
import { RunnerError } from './errors.js';

/** Parses plan.json text: malformed JSON or anything off the schema is refused with where it is. */
export function parsePlan(text: string, source: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RunnerError('PLAN_INVALID', `${source} is not valid JSON (${(err as Error).message}); it may be truncated or hand-edited`, 'write it again with skylift plan');
  }
  const parsed = Plan.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RunnerError('PLAN_INVALID', `${source} does not match the plan schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'write it again with skylift plan (skylift schema plan prints the schema)');
  }
  return parsed.data;
}

/** Stable across key order and whitespace. */
export function planHash(plan: Plan): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(plan))).digest('hex').slice(0, 16);
}

export const migrationIdOf = (plan: Plan): string => plan.migration.name;

function actionsOf(step: PlanStep): Action[] {
  return [...step.actions, ...step.verify, ...(step.undo.kind === 'actions' ? [...step.undo.actions, ...step.undo.verify] : [])];
}

/** Refuses what the runner could only get wrong: open blockers, calls it cannot make, outputs it cannot read, references to non-ancestors. */
export function checkPlan(plan: Plan, scope: Set<string>): void {
  if (!plan.applicable || plan.openBlockers.length > 0) {
    const names = plan.openBlockers.map((b) => `${b.title}${b.answerKey ? ` (answer ${b.answerKey})` : ''}`);
    throw new RunnerError('PLAN_NOT_APPLICABLE', `the plan has ${names.length || 'an'} unresolved blocker(s): ${names.join('; ') || 'marked not applicable'}`, 'answer them (skylift plan --answers answers.json) and plan again');
  }
  const unsupported: string[] = [];
  const problems: string[] = [];
  for (const step of plan.steps) {
    if (!scope.has(step.id)) continue;
    const ancestors = ancestorsOf(plan, step.id);
    for (const a of [...step.actions, ...step.verify]) {
      if (a.kind === 'data-copy' && !canCopy(a)) unsupported.push(`${step.id}: copy ${a.engine} (${a.method})`);
    }
    for (const a of actionsOf(step)) {
      if (a.kind === 'aws' && !callable(a.service, a.operation)) unsupported.push(`${step.id}: ${a.service}:${a.operation}`);
      if (a.kind === 'aws' || a.kind === 'remote') {
        for (const [name, expr] of Object.entries(a.outputs)) {
          if (expr === 'stdout') continue;
          try {
            checkExpression(expr);
          } catch (err) {
            problems.push(`${step.id}: output ${name}: ${(err as Error).message}`);
          }
        }
      }
      for (const [from] of refsOf(a as unknown as Json)) {
        if (from !== step.id && !ancestors.has(from)) problems.push(`${step.id}: refers to ${from}, which it does not depend on`);
      }
    }
  }
  // An inconsistent plan is the deeper fault: said first.
  if (problems.length > 0) throw new RunnerError('PLAN_INVALID', `the plan is inconsistent: ${problems.join('; ')}`, 'write it again with skylift plan');
  if (unsupported.length > 0) {
    throw new RunnerError('UNSUPPORTED_OPERATION', `the plan needs what the runner cannot do yet: ${[...new Set(unsupported)].join(', ')}`, 'plan without those features (answer their questions differently), or apply only up to an earlier phase with --until');
  }
}
