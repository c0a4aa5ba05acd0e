/**
 * rollback.md: for every point in the cutover, the way back to the box. Undos are listed in
 * reverse order; the table says where to enter the list for the last step that completed. From
 * the DNS switch on, the way back includes copying the data written on AWS back to the box.
 */

import type { TargetDesign } from '../schema/design.js';
import type { Action, Plan, PlanStep } from '../schema/plan.js';
import { renderActions } from './render-action.js';
import { dbFreeze } from './steps-data.js';

/** The undo of the switch in its three parts: stop writes on AWS, copy back, point clients back. */
function switchBackParts(s: PlanStep): { stop: Action[]; copy: Action[]; back: Action[] } | null {
  if (s.undo.kind !== 'actions') return null;
  const actions = s.undo.actions;
  const first = actions.findIndex((a) => a.kind === 'data-copy');
  if (first < 0) return null;
  const last = actions.length - 1 - [...actions].reverse().findIndex((a) => a.kind === 'data-copy');
  return { stop: actions.slice(0, first), copy: actions.slice(first, last + 1), back: actions.slice(last + 1) };
}

/** From the switch on, the way back starts with the reverse copy: its steps in order, the databases made writable for it while nginx keeps answering 503. */
function reverseCopy(plan: Plan, d: TargetDesign, entryOf: (s: PlanStep) => number): string[] {
  const sw = plan.steps.find((s) => s.id === 'switch-dns');
  const parts = sw ? switchBackParts(sw) : null;
  if (!sw || !parts) return [];
  const freeze = plan.steps.find((s) => s.id === 'freeze-writes');
  const reopen = plan.steps.filter((s) => s.id === 'watch-close-copy-path' || s.id === 'watch-close-copy-relay').reverse();
  const writable = d.resources.databases.map((db) => dbFreeze(db, false));
  return [
    '## After the switch: the reverse copy',
    '',
    `From \`switch-dns\` on (R${entryOf(sw)}), writes land on AWS: going back means copying them to the box first. In order:`,
    '',
    '1. Stop writes on AWS:',
    '',
    renderActions(parts.stop),
    '',
    ...(reopen.length > 0 ? [`2. Reopen the copy path: ${reopen.map((s) => `R${entryOf(s)} (\`${s.id}\`)`).join(', ')}.`, ''] : ['2. The copy path is still open.', '']),
    ...(writable.length > 0
      ? [`3. Let the copy write into the box's databases, left read-only by the freeze (${d.resources.freeze.some((f) => f.nginx !== null) ? 'nginx keeps answering 503' : 'the apps stay stopped'}, so clients still cannot write):`, '', renderActions(writable), '']
      : ['3. Nothing on the box is read-only.', '']),
    '4. Copy back:',
    '',
    renderActions(parts.copy),
    '',
    '5. Check:',
    '',
    sw.undo.kind === 'actions' && sw.undo.verify.length > 0 ? renderActions(sw.undo.verify) : '- Counts on the box equal those on AWS.',
    '',
    '6. Point clients back at the box:',
    '',
    renderActions(parts.back),
    '',
    `7. ${freeze ? `Undo the freeze (R${entryOf(freeze)}): the box takes writes again.` : 'Start the apps on the box again.'}`,
    '',
  ];
}

function entry(s: PlanStep, r: number): string[] {
  const head = `### R${r}. Undo \`${s.id}\` — ${s.title}`;
  if (s.undo.kind === 'irreversible') return [head, '', `**Cannot be undone.** ${s.undo.reason}`, ''];
  if (s.undo.kind === 'nothing') return [head, '', `Nothing to undo: ${s.undo.reason}`, ''];
  return [
    head,
    '',
    `${s.undo.summary}${s.pointOfNoReturn ? ' This is the point of no return: the data written on AWS since the switch goes back to the box first — follow "After the switch: the reverse copy" above (the box\'s databases must be made writable before the copy back).' : ''}`,
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
    ...reverseCopy(plan, d, entryOf),
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
