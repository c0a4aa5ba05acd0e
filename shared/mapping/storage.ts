/**
 * Files the app writes and serves. Local writable directories are a blocker on instances that
 * are replaced at will: the user picks S3 (an app change), EFS (no app change, slower, dearer)
 * or "disposable". Static directories inside the app are served by the instance's nginx
 * (staticfiles); outside it they go to S3 behind CloudFront.
 */

import type { Bucket, FileSystem, OptionSetting } from '../schema/design.js';
import type { MappingContext } from './context.js';
import { resourceName, slug } from './names.js';
import type { AppGroup } from './sources.js';
import { fact, formatBytes } from './sources.js';
import type { WebEvidence } from './web-evidence.js';

export interface StorageDesign {
  buckets: Bucket[];
  fileSystems: FileSystem[];
  staticFiles: { urlPath: string; dir: string }[];
  settings: OptionSetting[];
}

function relative(dir: string, path: string): string | null {
  const base = dir.replace(/\/+$/, '');
  return path === base ? '.' : path.startsWith(`${base}/`) ? path.slice(base.length + 1).replace(/\/+$/, '') : null;
}

export function mapStorage(ctx: MappingContext, group: AppGroup, envId: string, migration: string, region: string, ev: WebEvidence): StorageDesign {
  const out: StorageDesign = { buckets: [], fileSystems: [], staticFiles: [], settings: [] };
  const uploads: Bucket = { id: `${envId}-uploads`, name: resourceName(['skylift', migration, envId, 'uploads', region], 63), purpose: 'uploads', cloudfront: false, environment: envId, sources: [] };
  const efs: FileSystem = { id: `${envId}-efs`, name: resourceName(['skylift', migration, envId, 'files'], 63), environment: envId, mountPath: '/mnt/efs', sources: [] };
  const seen = new Set<string>();

  for (const { inv, app } of group.members) {
    for (const dir of app.writableDirs) {
      const ref = `dir:${dir.path}`;
      const rel = relative(app.dir, dir.path) ?? dir.path;
      const facts = [fact(inv, `apps[${app.name}].writableDirs[${dir.path}]`, `${formatBytes(dir.sizeBytes)}, ${dir.files ?? 'unknown'} files`)];
      if (seen.has(rel)) {
        ctx.cover({ ref, source: inv.target.label, kind: 'writable-dir', status: 'mapped', detail: `Same directory as on the other ${group.name} boxes.` });
        continue;
      }
      seen.add(rel);
      const resolution = ctx.block({
        id: `storage.${envId}.${slug(rel)}`,
        area: 'storage',
        title: `${group.name} writes files to ${dir.path}`,
        detail: `Elastic Beanstalk instances are replaced on deploys, scaling and failures: files written to local disk (${formatBytes(dir.sizeBytes)} here) would be lost and not shared between instances.`,
        facts,
        resolutions: [
          { value: 's3', label: 'Move to S3', consequence: `App change: write and read these files through the S3 API (@aws-sdk/client-s3 or multer-s3) in bucket ${uploads.name} (prefix ${slug(rel)}/); existing files are copied, again at the final sync.` },
          { value: 'efs', label: 'Mount EFS', consequence: 'No app change: an EFS file system is mounted at the same path on every instance; slower than local disk and about $0.30/GB-month.' },
          { value: 'ephemeral', label: 'Disposable', consequence: 'Cache or temp files: not copied, lost whenever an instance is replaced.' },
        ],
        answerKey: `app.${group.id}.dir.${slug(rel)}`,
      });
      const source = { label: inv.target.label, path: dir.path, sizeBytes: dir.sizeBytes };
      if (resolution === 's3') uploads.sources.push(source);
      if (resolution === 'efs') efs.sources.push(source);
      ctx.cover({
        ref,
        source: inv.target.label,
        kind: 'writable-dir',
        status: resolution === 's3' || resolution === 'efs' ? 'mapped' : 'not-mapped',
        detail: resolution === 's3' ? `S3 bucket ${uploads.name}` : resolution === 'efs' ? `EFS ${efs.name}, linked at ${rel}` : resolution === 'ephemeral' ? 'Disposable: not copied.' : 'Blocked until a resolution is chosen.',
      });
    }
  }
  if (uploads.sources.length > 0) {
    out.buckets.push(uploads);
    out.settings.push({ namespace: 'aws:elasticbeanstalk:application:environment', optionName: 'SKYLIFT_UPLOADS_BUCKET', value: uploads.name });
  }
  if (efs.sources.length > 0) {
    out.fileSystems.push(efs);
    out.settings.push({ namespace: 'aws:elasticbeanstalk:application:environment', optionName: 'SKYLIFT_EFS_ID', value: { resource: `efs:${efs.id}`, attribute: 'id' } });
  }

  const member = group.members[0];
  const statics: Bucket = { id: `${envId}-static`, name: resourceName(['skylift', migration, envId, 'static', region], 63), purpose: 'static', cloudfront: true, environment: envId, sources: [] };
  for (const loc of ev.staticLocations) {
    const rel = member ? relative(member.app.dir, loc.dir.replace(/\/+$/, '')) : null;
    const urlPath = loc.urlPath.replace(/\/+$/, '') || '/';
    if (rel && rel !== '.') {
      out.staticFiles.push({ urlPath, dir: rel });
      out.settings.push({ namespace: 'aws:elasticbeanstalk:environment:proxy:staticfiles', optionName: urlPath, value: rel });
    } else statics.sources.push({ label: loc.label, path: loc.dir, sizeBytes: null });
    ctx.decide({
      id: `storage.${envId}.static.${slug(urlPath) || 'root'}`,
      area: 'storage',
      title: `Static files at ${urlPath} for ${group.name}`,
      value: rel && rel !== '.' ? `served by the instance's nginx from ${rel}` : `S3 bucket ${statics.name} behind CloudFront`,
      reason: rel && rel !== '.'
        ? 'The directory ships inside the app bundle; the staticfiles option makes nginx serve it without touching Node.js, as on the box.'
        : 'The directory lives outside the app, so it is not in the bundle: S3 holds it and CloudFront serves it. App change: point asset URLs at the CloudFront domain.',
      facts: [`${loc.label}: nginx location ${loc.urlPath} → ${loc.dir}`],
      alternatives: [{ value: 'S3 + CloudFront', why: 'Offloads the instances and caches at the edge, at the cost of changing asset URLs.' }],
    });
  }
  if (statics.sources.length > 0) out.buckets.push(statics);
  return out;
}
