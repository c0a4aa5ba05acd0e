/**
 * rollback.md: for every point in the cutover, the way back to the box. Undos are listed in
 * reverse order; the table says where to enter the list for the last step that completed. From
 * the DNS switch on, the way back includes copying the data written on AWS back to the box.
 */

import type { TargetDesign } from '../schema/design.js';
import type { Plan, PlanStep } from '../schema/plan.js';
import { renderActions } from './render-action.js';

function entry(s: PlanStep, r: number): string[] {
  const head = `### R${r}. Undo \`${s.id}\` — ${s.title}`;
  if (s.undo.kind === 'irreversible') return [head, '', `**Cannot be undone.** ${s.undo.reason}`, ''];
  if (s.undo.kind === 'nothing') return [head, '', `Nothing to undo: ${s.undo.reason}`, ''];
  return [
    head,
    '',
    `${s.undo.summary}${s.pointOfNoReturn ? ' This is the point of no return: the data written on AWS since the switch goes back to the box first.' : ''}`,
    '',
    renderActions(s.undo.actions),
    '',
    'Verify:',
    '',
    s.undo.verify.length > 0 ? renderActions(s.undo.verify) : `- The resources named above no longer exist (describe calls return not-found).`,
    '',
  ];
}

export function rollbackMarkdown(plan: Plan, d: TargetDesign): string {
  const steps = plan.steps;
  const reversed = [...steps].reverse();
  const entryOf = (s: PlanStep) => reversed.indexOf(s) + 1;
  const ponr = steps.filter((s) => s.pointOfNoReturn);
  const irreversible = steps.filter((s) => s.undo.kind === 'irreversible');
  const lines = [
    `# Rollback checklist: ${d.migration.name}`,
    '',
    'Find the last step that completed (the runner\'s journal says which); start at the entry the table gives and work down to the end of the list. Each entry says how to check it worked. Undos run in reverse order of the plan, so nothing is deleted while something still uses it.',
    '',
    ...(ponr.length > 0
      ? [`Points of no return: ${ponr.map((s) => `\`${s.id}\``).join(', ')}. After \`switch-dns\`, writes land on AWS: its undo stops the app on AWS and copies the databases${d.resources.buckets.some((b) => b.purpose === 'uploads') || d.resources.fileSystems.length > 0 ? ' and uploaded files' : ''} back to the box before DNS points back.`, '']
      : []),
    '## Where to start',
    '',
    '| Last completed step | Start at |',
    '|---|---|',
    ...steps.map((s, i) => `| ${i + 1}. \`${s.id}\`${s.pointOfNoReturn ? ' (point of no return)' : ''} | R${entryOf(s)} |`),
    '',
    '## What cannot be undone',
    '',
    ...(irreversible.length > 0 ? irreversible.map((s) => `- \`${s.id}\`: ${s.undo.kind === 'irreversible' ? s.undo.reason : ''}`) : ['- Nothing before decommissioning.']),
    '- Anything users did on AWS after the switch is only carried back by the copy-back in the `switch-dns` undo: run it before pointing DNS back.',
    '',
    '## Rollback entries (reverse order)',
    '',
    ...reversed.flatMap((s) => entry(s, entryOf(s))),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
