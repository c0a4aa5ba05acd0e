/**
 * The Elastic Beanstalk Node.js platform branch for an app: the Node.js major it runs on the box,
 * kept when a supported branch exists and `engines.node` allows it; otherwise the nearest newer
 * supported major, with the upgrade named.
 */

import type { Inventory } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { rangeAllowsMajor } from './node-range.js';
import type { AppGroup, AppMember } from './sources.js';
import { fact, parseVersion } from './sources.js';
import type { PlatformBranch } from './tables/platform-branches.js';

/** The Node.js install the app's process runs, else the newest one on the box. */
function boxNodeMajor(inv: Inventory, member: AppMember): { major: number; fact: string } | null {
  const installs = inv.runtimes.node
    .map((n, i) => ({ n, i, v: parseVersion(n.version) }))
    .filter((x): x is { n: (typeof inv.runtimes.node)[number]; i: number; v: [number, number] } => x.v !== null);
  const running = inv.processes.find((p) => p.cwd === member.app.dir && installs.some((x) => p.command.includes(x.n.path)));
  const used = running ? installs.find((x) => running.command.includes(x.n.path)) : undefined;
  const pick = used ?? [...installs].sort((a, b) => b.v[0] - a.v[0] || b.v[1] - a.v[1])[0];
  return pick ? { major: pick.v[0], fact: fact(inv, `runtimes.node[${pick.i}].version`, pick.n.version) } : null;
}

export function choosePlatform(ctx: MappingContext, group: AppGroup): PlatformBranch {
  const member = group.members[0] as AppMember;
  const facts: string[] = [];
  const box = boxNodeMajor(member.inv, member);
  if (box) facts.push(box.fact);
  const engines = member.app.packageJson?.enginesNode ?? null;
  if (engines) facts.push(fact(member.inv, `apps[${member.app.name}].packageJson.enginesNode`, engines));

  const branches = ctx.tables.platformBranches;
  const supported = branches.filter((b) => b.status === 'supported').sort((a, b) => a.nodeMajor - b.nodeMajor);
  const allows = (b: PlatformBranch) => (engines ? rangeAllowsMajor(engines, b.nodeMajor) !== false : true);
  const floor = box?.major ?? 0;
  const pick =
    supported.find((b) => b.nodeMajor === box?.major && allows(b)) ??
    supported.find((b) => b.nodeMajor >= floor && allows(b)) ??
    supported.find((b) => b.nodeMajor >= floor) ??
    (supported[supported.length - 1] as PlatformBranch);

  const key = `app.${group.id}.nodeMajor`;
  const choices = branches
    .filter((b) => b.status !== 'retired')
    .map((b) => ({ value: String(b.nodeMajor), label: b.branch, consequence: b.reason }));
  const answer = ctx.ask({
    key,
    prompt: `Node.js platform branch for ${group.name}`,
    kind: 'choice',
    choices,
    default: String(pick.nodeMajor),
    defaultReason: box
      ? `The box runs Node.js ${box.major}; this is the nearest supported branch${engines ? (allows(pick) ? ` that engines.node "${engines}" allows` : ` (engines.node "${engines}" allows none of them)`) : ''}.`
      : 'The Node.js version on the box was not read: the oldest supported branch is the smallest upgrade for most apps.',
  });
  const chosen = branches.find((b) => String(b.nodeMajor) === answer) ?? pick;

  const warnings: string[] = [];
  const source = box ? branches.find((b) => b.nodeMajor === box.major) : undefined;
  if (box && chosen.nodeMajor !== box.major) {
    const why = source ? `${source.branch}: ${source.reason}` : `Elastic Beanstalk has no Node.js ${box.major} branch.`;
    warnings.push(`Upgrade Node.js ${box.major} → ${chosen.nodeMajor}: ${why} Test the app on Node.js ${chosen.nodeMajor} (and rebuild native modules) before the cutover.`);
  }
  if (chosen.status === 'deprecated') warnings.push(`${chosen.branch} is deprecated: ${chosen.reason}`);
  if (engines && rangeAllowsMajor(engines, chosen.nodeMajor) === false) {
    warnings.push(`package.json engines.node "${engines}" excludes Node.js ${chosen.nodeMajor}: update it, or npm may refuse to install.`);
  }
  if (!box) ctx.open({ key, text: `Which Node.js version does ${group.name} run?`, assumption: `Node.js ${chosen.nodeMajor} (${chosen.branch}).` });

  ctx.decide({
    id: `eb.${group.id}.platform`,
    area: 'eb',
    title: `Platform branch for ${group.name}`,
    value: chosen.branch,
    reason: chosen === pick ? `Nearest supported branch to what the app runs today. ${chosen.reason}` : `Your answer. ${chosen.reason}`,
    facts,
    alternatives: supported.filter((b) => b !== chosen).map((b) => ({ value: b.branch, why: b.reason })),
    warnings,
    tableRow: { table: 'platform-branches', row: chosen.branch, reason: chosen.reason, source: chosen.source },
    answerKey: key,
  });
  return chosen;
}
