/**
 * Markdown for plan actions, shared by the runbook and the rollback checklist: every AWS call
 * with its parameters, every remote command, every copy, manual step, wait and check.
 */

import type { Action } from '../schema/plan.js';

/** JSON for reading: short values stay on one line, longer ones are expanded. */
export function json(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value) ?? 'null';
  if (value === null || typeof value !== 'object' || flat.length + indent.length <= 100) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + json(v, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${json(v, inner)}`).join(',\n')}\n${indent}}`;
}

function fence(lang: string, body: string): string {
  return `\`\`\`${lang}\n${body}\n\`\`\``;
}

function outputs(map: Record<string, string>): string {
  const entries = Object.entries(map);
  return entries.length === 0 ? '' : `\n  Outputs: ${entries.map(([k, v]) => `\`${k}\` ← \`${v}\``).join(', ')}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.length > 0 ? `  ${l}` : l))
    .join('\n');
}

export function renderAction(a: Action): string {
  switch (a.kind) {
    case 'aws':
      return `- AWS \`${a.service}:${a.operation}\`${outputs(a.outputs)}\n${indent(fence('json', json(a.params)))}`;
    case 'remote':
      return `- On \`${a.host}\`${a.sudo ? ' (as root)' : ''}:${outputs(a.outputs)}\n${indent(fence('sh', a.command))}`;
    case 'data-copy':
      return [
        `- Copy data: ${a.engine}, ${a.method}`,
        indent(fence('json', json({ source: a.source, target: a.target }))),
        ...a.notes.map((n) => `  - ${n}`),
      ].join('\n');
    case 'manual':
      return `- By hand: ${a.instructions}`;
    case 'wait':
      return `- Wait: ${a.what}${a.seconds !== null ? ` (${a.seconds} s)` : ''}${a.waiter ? ` — waiter \`${a.waiter.service}:${a.waiter.name}\` ${JSON.stringify(a.waiter.params)}` : ''}`;
    case 'verify':
      return `- Check \`${a.check}\`: ${JSON.stringify(a.target)} → expect ${JSON.stringify(a.expect)}`;
    case 'dns': {
      const rows = a.changes.map(
        (c) => `  | ${c.action} | ${c.name} | ${c.type ?? 'its current records'} | ${c.ttl ?? (c.alias ? 'alias' : '—')} | ${c.alias ? `alias → ${JSON.stringify(c.alias.dnsName)} (zone ${JSON.stringify(c.alias.hostedZoneId)})` : c.values ? c.values.map((v) => JSON.stringify(v)).join(', ') : 'journaled values'} |`,
      );
      return [
        `- Route 53 zone ${JSON.stringify(a.hostedZoneId)}${a.certificateValidation ? `: the validation CNAMEs of certificate ${JSON.stringify(a.certificateValidation)}` : ''}`,
        ...(rows.length > 0 ? ['', '  | Action | Name | Type | TTL | Value |', '  |---|---|---|---|---|', ...rows] : []),
      ].join('\n');
    }
  }
}

export function renderActions(actions: Action[]): string {
  return actions.length === 0 ? '- (none)' : actions.map(renderAction).join('\n');
}
