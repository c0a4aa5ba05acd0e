import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ExportKind } from '../../../shared/ipc/project.js';
import { exportPlan } from '../../../shared/plan/index.js';
import type { HandlerDeps, SaveLocationRequest } from './deps.js';
import type { Handlers } from './dispatch.js';
import { projectState } from './project-state.js';
import { UiFailure } from './ui-error.js';

interface ExportShape {
  title: string;
  /** One file of the export, written where the user chose; absent for a folder of files. */
  file?: string;
  /** For folders: which files, relative to the folder chosen. */
  pick?: (path: string) => string | null;
  suffix: string;
}

const SHAPES: Record<ExportKind, ExportShape> = {
  all: { title: 'Save the whole plan (runbook, plan.json, rollback checklist, EB bundle)', pick: (p) => p, suffix: '-plan' },
  runbook: { title: 'Save the runbook', file: 'plan.md', suffix: '-runbook.md' },
  json: { title: 'Save plan.json', file: 'plan.json', suffix: '-plan.json' },
  rollback: { title: 'Save the rollback checklist', file: 'rollback.md', suffix: '-rollback.md' },
  'eb-bundle': { title: 'Save the Elastic Beanstalk bundle', pick: (p) => (p.startsWith('eb/') ? p.slice(3) : null), suffix: '-eb-bundle' },
};

async function writeFiles(root: string, files: [string, string][]): Promise<void> {
  for (const [path, content] of files) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

export function exportHandlers(deps: HandlerDeps): Pick<Handlers, 'plan:export'> {
  return {
    'plan:export': async ({ projectId, what }) => {
      const state = await projectState(deps, projectId);
      if (!state.design || !state.plan) throw new UiFailure('NO_PLAN', 'there is no plan to export yet', 'read the box (or pick a sample) first; the plan follows from the inventory');
      const { files } = exportPlan(state.plan, state.design);
      const shape = SHAPES[what];
      const request: SaveLocationRequest = { title: shape.title, suggestedName: `${state.design.migration.name}${shape.suffix}`, folder: shape.file === undefined };
      const location = await deps.chooseSaveLocation(request);
      if (location === null) return { saved: null };
      let chosen: [string, string][];
      let dir: string;
      if (shape.file) {
        chosen = [[basename(location), files[shape.file] ?? '']];
        dir = dirname(location);
        await writeFiles(dir, chosen);
      } else {
        const pick = shape.pick ?? ((p: string) => p);
        chosen = Object.entries(files).flatMap(([p, c]): [string, string][] => {
          const rel = pick(p);
          return rel === null ? [] : [[rel, c]];
        });
        dir = location;
        await writeFiles(location, chosen);
      }
      const written = chosen.map(([p]) => p);
      await deps.store.updateMeta(projectId, (m) => ({ ...m, exports: [...m.exports, { what, dir, files: written, at: new Date().toISOString() }] }));
      return { saved: { dir, files: written } };
    },
  };
}
