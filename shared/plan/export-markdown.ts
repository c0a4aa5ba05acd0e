/**
 * plan.md: the runbook a person reads before anything is created — status and blockers, the
 * architecture, every answer (defaults marked), every decision with its reason, facts, table row,
 * alternatives and warnings, what was not mapped, cost, the downtime window, and every step
 * with its commands, checks and undo.
 */

import type { Decision, TargetDesign } from '../schema/design.js';
import type { Plan, PlanStep } from '../schema/plan.js';
import { architectureDiagram } from './export-diagram.js';
import { renderActions } from './render-action.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function shown(value: unknown): string {
  if (value === null) return '(none)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(', ');
  return String(value);
}

function header(plan: Plan, d: TargetDesign): string[] {
  const open = d.blockers.filter((b) => b.resolution === null);
  return [
    `# Skylift plan: ${d.migration.name}`,
    '',
    'Dry run: nothing has been created. This runbook, `plan.json` (what the cutover runner executes), `rollback.md` and the `eb/` bundle were generated from the inventories below.',
    '',
    `- Region: ${d.migration.region}; account: ${d.migration.accountId ?? 'not known yet (checked by the preflight step)'}`,
    `- Sources: ${d.migration.sources.map((s) => `${s.label} (${s.hostname ?? 'unknown host'}, ${s.provider}, inventory of ${s.collectedAt})`).join('; ')}`,
    `- Version and platform tables as of ${d.migration.tablesAsOf}; prices as of ${d.cost.priceDate}`,
    `- Status: ${plan.applicable ? 'can be applied (no open blocker)' : `**cannot be applied**: ${open.length} open blocker(s) below`}`,
    `- Downtime window: at most ~${plan.downtime.maxMinutes} min (${plan.downtime.steps.join(', ')}), plus DNS propagation within the lowered TTL`,
    ...(plan.steps.some((s) => s.id === 'freeze-writes')
      ? ['- Write freeze: from `freeze-writes` until `switch-dns` is done; the runner measures it (`skylift status`). From `switch-dns` on writes land on AWS: going back then needs the reverse copy (rollback.md, "After the switch: the reverse copy").']
      : []),
    '',
  ];
}

function blockers(d: TargetDesign): string[] {
  if (d.blockers.length === 0) return [];
  return [
    '## Blockers',
    '',
    ...d.blockers.flatMap((b) => [
      `### ${b.resolution === null ? 'OPEN' : 'Resolved'}: ${b.title}`,
      '',
      b.detail,
      '',
      ...b.facts.map((f) => `- Fact: ${f}`),
      ...b.resolutions.map((r) => `- ${b.resolution === r.value ? '**Chosen** ' : ''}\`${r.value}\` — ${r.label}: ${r.consequence}`),
      b.answerKey ? `- Resolve with the answer \`${b.answerKey}\`${b.resolution ? ` (now \`${b.resolution}\`)` : ''}.` : '- Resolved by changing the answers or the box, not by one answer.',
      '',
    ]),
  ];
}

function answers(d: TargetDesign): string[] {
  const defaulted = d.answers.filter((a) => a.source === 'defaulted');
  return [
    '## Questions and answers',
    '',
    `${d.answers.length} answers were used; ${defaulted.length} took their default (marked below). Every one is in \`answers.json\`; edit it and run again with \`--answers\` to change them.`,
    '',
    '| Key | Value | Source | Why the default |',
    '|---|---|---|---|',
    ...d.answers.map((a) => {
      const q = d.questions.find((x) => x.key === a.key);
      return `| \`${a.key}\` | ${cell(shown(a.value))} | ${a.source === 'defaulted' ? '**default**' : 'given'} | ${cell(a.source === 'defaulted' ? (q?.defaultReason ?? '') : '')} |`;
    }),
    '',
    ...(d.unusedAnswers.length > 0 ? [`Answers given but not used (typo, or a question that no longer applies): ${d.unusedAnswers.map((k) => `\`${k}\``).join(', ')}.`, ''] : []),
  ];
}

/** The network-path questions with every choice's trade-off, the chosen one marked. */
function networkPath(d: TargetDesign): string[] {
  const asked = d.questions.filter((q) => q.key === 'network.copyPath' || q.key === 'network.replicationPath');
  if (asked.length === 0) return [];
  const chosen = (key: string) => d.answers.find((a) => a.key === key)?.value;
  return [
    '## How the data reaches AWS',
    '',
    'RDS sits in the VPC and ElastiCache is never public; the copy runs on this machine. The choices and what each costs in exposure and effort:',
    '',
    ...asked.flatMap((q) => [
      `### ${q.prompt} (\`${q.key}\`)`,
      '',
      ...q.choices.map((c) => `- ${chosen(q.key) === c.value ? '**Chosen** ' : ''}\`${c.value}\` — ${c.label}: ${c.consequence}${q.default === c.value ? ' (default: the least exposure)' : ''}`),
      '',
    ]),
  ];
}

function decision(x: Decision): string[] {
  return [
    `### ${x.title}`,
    '',
    `**${shown(x.value)}**${x.basis === 'default' ? ' (default, no evidence on the box)' : x.basis === 'answer' ? ' (your answer)' : ''}`,
    '',
    x.reason,
    '',
    ...x.facts.map((f) => `- Fact: ${f}`),
    ...(x.tableRow ? [`- Table row: ${x.tableRow.table} → \`${x.tableRow.row}\`: ${x.tableRow.reason} (${x.tableRow.source})`] : []),
    ...x.alternatives.map((a) => `- Alternative \`${a.value}\`: ${a.why}`),
    ...x.warnings.map((w) => `- **Warning:** ${w}`),
    ...(x.answerKey ? [`- Answer key: \`${x.answerKey}\``] : []),
    '',
  ];
}

function coverage(d: TargetDesign): string[] {
  const rows = (status: 'mapped' | 'not-mapped') => d.coverage.filter((c) => c.status === status).map((c) => `| \`${cell(c.ref)}\` | ${c.kind} | ${cell(c.source)} | ${cell(c.detail)} |`);
  const head = ['| Item | Kind | Box | |', '|---|---|---|---|'];
  return [
    '## Not mapped',
    '',
    'Found on the box and not carried over, with why. Inactive systemd units are not considered.',
    '',
    ...head,
    ...rows('not-mapped'),
    '',
    '## Mapped',
    '',
    ...head,
    ...rows('mapped'),
    '',
    ...(d.openQuestions.length > 0 ? ['## Open questions', '', ...d.openQuestions.map((q) => `- ${q.text} Assumed: ${q.assumption}${q.key ? ` (answer \`${q.key}\`)` : ''}`), ''] : []),
  ];
}

function cost(d: TargetDesign): string[] {
  const c = d.cost;
  const money = (n: number | null) => (n === null ? 'unknown' : `$${n.toFixed(2)}`);
  return [
    '## Cost (monthly estimate)',
    '',
    `On-demand prices for ${c.region} from the table dated ${c.priceDate}; unknown prices are shown as unknown, never guessed.`,
    '',
    '| Item | Per month | Basis | Price source |',
    '|---|---|---|---|',
    ...c.lines.map((l) => `| ${cell(l.item)} | ${money(l.monthlyUsd)} | ${cell(l.basis)} | ${l.source} |`),
    `| **Known total** | **${money(c.knownMonthlyUsd)}** | | |`,
    '',
    `Not included: ${c.unknown.join('; ')}.`,
    '',
    `Source today: ${c.sourceBoxes.map((l) => `${l.item}: ${money(l.monthlyUsd)} (${l.basis})`).join('; ')}.${c.budgetMonthlyUsd !== null ? ` Budget: ${money(c.budgetMonthlyUsd)}.` : ''}`,
    '',
  ];
}

function step(s: PlanStep, n: number): string[] {
  const flags = [s.manual ? 'manual' : null, s.inDowntime ? 'in the downtime window' : null, s.pointOfNoReturn ? '**POINT OF NO RETURN**' : null].filter((x) => x !== null);
  const undo =
    s.undo.kind === 'irreversible'
      ? [`Undo: **irreversible** — ${s.undo.reason}`]
      : s.undo.kind === 'nothing'
        ? [`Undo: nothing to undo — ${s.undo.reason}`]
        : [`Undo: ${s.undo.summary}`, '', renderActions(s.undo.actions), ...(s.undo.verify.length > 0 ? ['', 'Undo verified by:', '', renderActions(s.undo.verify)] : [])];
  return [
    `### ${n}. \`${s.id}\` — ${s.title}`,
    '',
    s.why,
    '',
    `- Depends on: ${s.dependsOn.length > 0 ? s.dependsOn.map((x) => `\`${x}\``).join(', ') : 'nothing'}`,
    ...(s.pointOfNoReturn && s.phase === 'switch-dns' ? ['- From here on, writes land on AWS: going back means copying them to the box first (the reverse copy in the undo below; rollback.md lists it step by step).'] : []),
    `- Expected duration: ${s.durationMinutes.min === s.durationMinutes.max ? s.durationMinutes.min : `${s.durationMinutes.min}–${s.durationMinutes.max}`} min${flags.length > 0 ? `; ${flags.join('; ')}` : ''}`,
    ...s.preconditions.map((p) => `- Precondition: ${p}`),
    '',
    'Actions:',
    '',
    renderActions(s.actions),
    '',
    ...(s.verify.length > 0 ? ['Verified by:', '', renderActions(s.verify), ''] : []),
    ...undo,
    '',
  ];
}

export function planMarkdown(plan: Plan, d: TargetDesign): string {
  let n = 0;
  const lines = [
    ...header(plan, d),
    '## Architecture',
    '',
    '```mermaid',
    architectureDiagram(d),
    '```',
    '',
    ...blockers(d),
    ...answers(d),
    ...networkPath(d),
    '## Decisions',
    '',
    ...d.decisions.flatMap(decision),
    ...coverage(d),
    ...cost(d),
    '## Steps',
    '',
    'Steps run in this order; steps whose dependencies are met may run in parallel. `$ref` values are outputs of earlier steps, `$sourceEnv` and `$parameter` values are read at apply time and never written down.',
    '',
    ...plan.phases.flatMap((phase) => [`## Phase: ${phase}`, '', ...plan.steps.filter((s) => s.phase === phase).flatMap((s) => step(s, ++n))]),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
