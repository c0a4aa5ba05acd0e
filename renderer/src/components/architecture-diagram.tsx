import type { TargetDesign } from '../../../shared/schema/design.js';

interface Box {
  key: string;
  label: string;
  detail: string;
}

const ROW = 64;
const WIDTH = 860;
const BOX_W = 300;

function column(boxes: Box[], x: number, top: number) {
  return boxes.map((b, i) => (
    <g key={b.key} transform={`translate(${x} ${top + i * ROW})`}>
      <rect width={BOX_W} height={48} rx={6} className="diagram-box" />
      <text x={12} y={20} className="diagram-label">
        {b.label}
      </text>
      <text x={12} y={38} className="diagram-detail">
        {b.detail}
      </text>
    </g>
  ));
}

/** Where each part of the box goes on AWS: source on the left, target on the right, an arrow for each move. */
export function ArchitectureDiagram({ design }: { design: TargetDesign }) {
  const r = design.resources;
  const source: Box[] = [];
  const target: Box[] = [];
  const moves: [string, string][] = [];
  for (const env of r.environments) {
    source.push({ key: `app-${env.id}`, label: `${env.appName} (Node.js)`, detail: env.sources.map((s) => s.label).join(', ') });
    target.push({ key: `eb-${env.id}`, label: `Elastic Beanstalk ${env.environmentName}`, detail: `${env.loadBalancer === 'application' ? 'ALB' : 'Classic LB'}, ${env.instanceType} ×${env.minSize}–${env.maxSize}` });
    moves.push([`app-${env.id}`, `eb-${env.id}`]);
  }
  for (const db of r.databases) {
    source.push({ key: `db-${db.id}`, label: `${db.engine} ${db.sourceVersion ?? ''}`.trim(), detail: db.source.databases.join(', ') || 'databases' });
    target.push({ key: `rds-${db.id}`, label: `RDS ${db.engine} ${db.engineVersion}`, detail: `${db.instanceClass}${db.multiAz ? ', Multi-AZ' : ''}, ${db.copyMethod}` });
    moves.push([`db-${db.id}`, `rds-${db.id}`]);
  }
  for (const c of r.caches) {
    source.push({ key: `cache-${c.id}`, label: `${c.engine === 'memcached' ? 'Memcached' : 'Redis'} ${c.sourceVersion ?? ''}`.trim(), detail: `port ${c.source.port}` });
    target.push({ key: `ec-${c.id}`, label: `ElastiCache ${c.engine} ${c.engineVersion}`, detail: `${c.nodeType}, data: ${c.dataMove}` });
    moves.push([`cache-${c.id}`, `ec-${c.id}`]);
  }
  for (const b of r.buckets) {
    source.push({ key: `dir-${b.id}`, label: `Files (${b.purpose})`, detail: b.sources.map((s) => s.path).join(', ') });
    target.push({ key: `s3-${b.id}`, label: `S3 ${b.name}`, detail: b.cloudfront ? 'with CloudFront' : 'bucket' });
    moves.push([`dir-${b.id}`, `s3-${b.id}`]);
  }
  if (r.dns.records.length > 0) target.push({ key: 'dns', label: r.dns.mode === 'manual-record' ? 'DNS (your provider)' : 'Route 53', detail: r.dns.records.map((x) => x.name).join(', ') });
  const top = 40;
  const height = top + Math.max(source.length, target.length, 1) * ROW + 8;
  const yOf = (boxes: Box[], key: string) => top + boxes.findIndex((b) => b.key === key) * ROW + 24;
  const title = `Architecture: ${source.length} part(s) of ${design.migration.sources.map((s) => s.label).join(', ')} move to AWS ${design.migration.region}`;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={title}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="diagram-arrow" />
          </marker>
        </defs>
        <text x={0} y={20} className="diagram-heading">
          Today: {design.migration.sources.map((s) => `${s.label} (${s.provider})`).join(', ')}
        </text>
        <text x={WIDTH - BOX_W} y={20} className="diagram-heading">
          AWS {design.migration.region}
        </text>
        {column(source, 0, top)}
        {column(target, WIDTH - BOX_W, top)}
        {moves.map(([from, to]) => (
          <line key={`${from}-${to}`} x1={BOX_W} y1={yOf(source, from)} x2={WIDTH - BOX_W - 4} y2={yOf(target, to)} className="diagram-move" markerEnd="url(#arrow)" />
        ))}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
