/**
 * PostgreSQL extensions against what RDS offers: an unsupported one is a blocker (exclude it,
 * or keep that database self-managed); one missing from the bundled list is a warning the plan
 * verifies on the target (`SHOW rds.extensions`) before copying.
 */

import type { Inventory, PostgresServer } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { slug } from './names.js';
import { fact } from './sources.js';
import { RDS_EXTENSIONS_SOURCE, RDS_SUPPORTED_EXTENSIONS, RDS_UNSUPPORTED_EXTENSIONS } from './tables/rds-extensions.js';

/** Returns the extensions to leave out; removes databases the user keeps self-managed from `dbs.names`. */
export function checkExtensions(ctx: MappingContext, inv: Inventory, server: PostgresServer, id: string, dbs: { names: string[] }): string[] {
  const excluded = new Set<string>();
  const unknown = new Set<string>();
  const kept: string[] = [];
  for (const db of server.databases.filter((d) => dbs.names.includes(d.name))) {
    let selfManaged = false;
    for (const ext of db.extensions) {
      const why = RDS_UNSUPPORTED_EXTENSIONS[ext.name];
      if (why) {
        const resolution = ctx.block({
          id: `rds.${id}.${slug(db.name)}.extension.${slug(ext.name)}`,
          area: 'rds',
          title: `Database ${db.name} uses ${ext.name} ${ext.version}, which RDS does not offer`,
          detail: why,
          facts: [fact(inv, `databases.postgres.databases[${db.name}].extensions[${ext.name}]`, ext.version)],
          resolutions: [
            { value: 'exclude-extension', label: `Copy without ${ext.name}`, consequence: `App change: objects that depend on ${ext.name} (hypertables, functions, types) are left out of the restore and must be replaced.` },
            { value: 'self-managed', label: `Keep ${db.name} self-managed`, consequence: `${db.name} is left out of this plan; host it where ${ext.name} is available and point the app's connection settings there.` },
          ],
          answerKey: `db.${id}.${slug(db.name)}.extension.${slug(ext.name)}`,
        });
        if (resolution === 'exclude-extension') excluded.add(ext.name);
        if (resolution === 'self-managed') selfManaged = true;
      } else if (!RDS_SUPPORTED_EXTENSIONS.has(ext.name)) unknown.add(ext.name);
    }
    if (selfManaged) {
      ctx.cover({ ref: `postgres:${server.port ?? 5432}/${db.name}`, source: inv.target.label, kind: 'database', status: 'not-mapped', detail: 'Kept self-managed: it uses an extension RDS does not offer.' });
    } else kept.push(db.name);
  }
  dbs.names = kept;
  const all = server.databases.filter((d) => dbs.names.includes(d.name)).flatMap((d) => d.extensions.map((e) => e.name));
  if (all.length > 0) {
    ctx.decide({
      id: `rds.${id}.extensions`,
      area: 'rds',
      title: `PostgreSQL extensions on ${id}`,
      value: [...new Set(all)].sort(),
      reason: `Checked against the extensions RDS for PostgreSQL offers (${RDS_EXTENSIONS_SOURCE}); they are created on RDS before the restore.`,
      facts: server.databases.flatMap((d) => d.extensions.map((e) => fact(inv, `databases.postgres.databases[${d.name}].extensions[${e.name}]`, e.version))),
      warnings: [
        ...[...unknown].sort().map((n) => `${n} is not in the bundled list of RDS extensions: the plan checks SHOW rds.extensions on the new instance before copying.`),
        ...(all.some((n) => n.startsWith('postgis')) ? ['PostGIS is created by rds_superuser on RDS before the restore; RDS\'s PostGIS version for the chosen major may differ from the box\'s: run postgis_full_version() after the copy.'] : []),
      ],
    });
  }
  return [...excluded].sort();
}
