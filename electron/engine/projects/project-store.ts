import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ProjectMeta, ProjectSummary, type ProjectSource } from '../../../shared/ipc/project.js';
import { Answers } from '../../../shared/schema/answers.js';
import { Inventory } from '../../../shared/schema/inventory.js';
import { Plan } from '../../../shared/schema/plan.js';
import { readJsonIfExists, writeFileAtomic } from './atomic-file.js';

/** A project's stored state that is not derived: meta, inventories, the user's answers, the plan. */
const FILES = { meta: 'project.json', inventories: 'inventories.json', answers: 'answers.json', plan: 'plan.json' } as const;

/** The answers the user gave (defaults are recomputed from the evidence each time). */
const GivenAnswers = z.object({ schemaVersion: z.literal(1), answers: Answers });

export class ProjectNotFound extends Error {
  override readonly name = 'ProjectNotFound';
  readonly code = 'PROJECT_NOT_FOUND';
  readonly hint = 'pick it again from the list of projects (it may have been removed from the data folder)';
}

export class ProjectUnreadable extends Error {
  override readonly name = 'ProjectUnreadable';
  readonly code = 'PROJECT_UNREADABLE';
  constructor(
    file: string,
    reason: string,
    readonly hint = `move ${file} aside to start that part again, or restore it from a backup`,
  ) {
    super(`${file} is not a Skylift project file: ${reason}`);
  }
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'project';
}

/** Projects in `<dataDir>/projects/<id>/`, one file per kind of state, each written atomically. */
export class ProjectStore {
  readonly root: string;

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.root = join(dataDir, 'projects');
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  private async read<T>(id: string, file: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const path = join(this.dir(id), file);
    const raw = await readJsonIfExists(path);
    if (raw === undefined) return undefined;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new ProjectUnreadable(path, parsed.error.issues[0]?.message ?? 'invalid');
    return parsed.data;
  }

  private async write(id: string, file: string, value: unknown): Promise<void> {
    await writeFileAtomic(join(this.dir(id), file), `${JSON.stringify(value, null, 2)}\n`);
  }

  async list(): Promise<ProjectSummary[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const metas = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => this.read(e.name, FILES.meta, ProjectMeta).catch(() => undefined)));
    return metas
      .filter((m): m is ProjectMeta => m !== undefined)
      .map((m) => ProjectSummary.parse(m))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async create(name: string, source: ProjectSource): Promise<ProjectMeta> {
    const id = `${slug(name)}-${randomBytes(3).toString('hex')}`;
    await mkdir(this.dir(id), { recursive: true, mode: 0o700 });
    const at = this.now().toISOString();
    const meta: ProjectMeta = { schemaVersion: 1, id, name, createdAt: at, updatedAt: at, step: source.kind === 'sample' ? 'inventory' : 'source', source, target: null, exports: [] };
    await this.write(id, FILES.meta, meta);
    return meta;
  }

  async meta(id: string): Promise<ProjectMeta> {
    const meta = await this.read(id, FILES.meta, ProjectMeta);
    if (!meta) throw new ProjectNotFound(`there is no project "${id}"`);
    return meta;
  }

  /** Applies a change to project.json and stamps it. */
  async updateMeta(id: string, change: (meta: ProjectMeta) => ProjectMeta): Promise<ProjectMeta> {
    const next = { ...change(await this.meta(id)), updatedAt: this.now().toISOString() };
    await this.write(id, FILES.meta, ProjectMeta.parse(next));
    return next;
  }

  async inventories(id: string): Promise<Inventory[]> {
    return (await this.read(id, FILES.inventories, z.array(Inventory))) ?? [];
  }

  saveInventories(id: string, inventories: Inventory[]): Promise<void> {
    return this.write(id, FILES.inventories, inventories);
  }

  async answers(id: string): Promise<Answers> {
    return (await this.read(id, FILES.answers, GivenAnswers))?.answers ?? {};
  }

  saveAnswers(id: string, answers: Answers): Promise<void> {
    const sorted = Object.fromEntries(Object.entries(answers).sort(([a], [b]) => a.localeCompare(b)));
    return this.write(id, FILES.answers, { schemaVersion: 1, answers: sorted });
  }

  plan(id: string): Promise<Plan | undefined> {
    return this.read(id, FILES.plan, Plan);
  }

  savePlan(id: string, plan: Plan): Promise<void> {
    return this.write(id, FILES.plan, plan);
  }
}
