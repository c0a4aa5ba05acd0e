import { useEffect, useId, useState } from 'react';
import type { ProjectState, ProjectSummary } from '../../../shared/ipc/project.js';
import { ErrorNotice } from '../components/error-notice.js';
import { STEP_LABELS } from '../components/step-nav.js';
import { call } from '../skylift-api.js';
import { useRequest } from '../state/use-request.js';
import { StepHeading } from '../components/step-heading.js';

const SAMPLES: { name: string; label: string }[] = [
  { name: 'do-1click-socketio', label: 'DigitalOcean 1-Click: Socket.IO chat with PostgreSQL and Redis' },
  { name: 'linode-systemd-postgres', label: 'Linode Marketplace: systemd app with PostgreSQL' },
  { name: 'mysql57-redis-apache', label: 'MySQL 5.7, Redis and Apache' },
  { name: 'postgis', label: 'PostgreSQL with PostGIS' },
  { name: 'two-apps', label: 'Two apps on one box' },
  { name: 'node12-uploads-crons', label: 'Node 12 with uploads and cron jobs' },
];

/** Start here: a new migration, one to resume, a guided tour on a sample box, or the doctor for an environment already on AWS. */
export function ProjectsStep({ onOpen, onDoctor }: { onOpen: (p: ProjectState) => void; onDoctor: () => void }) {
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [name, setName] = useState('');
  const [sample, setSample] = useState(SAMPLES[0]?.name ?? '');
  const list = useRequest();
  const create = useRequest();
  const tour = useRequest();
  const open = useRequest();
  const nameId = useId();
  const sampleId = useId();

  useEffect(() => {
    void list.run(async () => setProjects(await call('projects:list', {})));
  }, []);

  const opened = (p: ProjectState | undefined) => p && onOpen(p);

  return (
    <section aria-labelledby="projects-title">
      <StepHeading id="projects-title">
        Move a box to AWS
      </StepHeading>
      <p className="lead">Skylift reads your server (read-only), designs its AWS home, and walks you through the move with a way back at every step.</p>
      <div className="cards">
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run(async () => opened(await call('projects:create', { name })));
          }}
        >
          <h2>New migration</h2>
          <label htmlFor={nameId}>Project name</label>
          <input id={nameId} value={name} placeholder="e.g. chat-api" onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="primary" disabled={create.busy}>
            Create project
          </button>
          <ErrorNotice error={create.error} />
        </form>
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void tour.run(async () => opened(await call('projects:create', { name: `Sample: ${sample}`, sample })));
          }}
        >
          <h2>Try it with a sample box</h2>
          <p>No server and no AWS account needed: see the inventory, the design and the plan for a realistic box, and export its runbook.</p>
          <label htmlFor={sampleId}>Sample box</label>
          <select id={sampleId} value={sample} onChange={(e) => setSample(e.target.value)}>
            {SAMPLES.map((s) => (
              <option key={s.name} value={s.name}>
                {s.label}
              </option>
            ))}
          </select>
          <button type="submit" disabled={tour.busy}>
            Try it with a sample box
          </button>
          <ErrorNotice error={tour.error} />
        </form>
        <div className="card">
          <h2>Already on Elastic Beanstalk?</h2>
          <p>Socket.IO gets HTTP 400 or never upgrades to WebSocket? The WebSocket doctor finds the cause on the environment you have, with evidence, and fixes it with a way back.</p>
          <button type="button" onClick={onDoctor}>
            Fix WebSockets on an existing environment
          </button>
        </div>
      </div>
      <h2>Your projects</h2>
      <ErrorNotice error={list.error ?? open.error} />
      {projects === null ? (
        <p>Loading…</p>
      ) : projects.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <ul className="project-list" aria-label="Your projects">
          {projects.map((p) => (
            <li key={p.id}>
              <span className="project-name">{p.name}</span>
              <span className="muted">
                {p.source.kind === 'sample' ? 'sample box' : (p.source.settings?.destination ?? 'no box yet')} · left at {STEP_LABELS[p.step]} · {new Date(p.updatedAt).toLocaleString()}
              </span>
              <button type="button" disabled={open.busy} onClick={() => void open.run(async () => opened(await call('projects:open', { projectId: p.id })))}>
                Resume {p.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
