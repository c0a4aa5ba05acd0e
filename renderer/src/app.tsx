import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { ProjectState } from '../../shared/ipc/project.js';
import { ErrorNotice } from './components/error-notice.js';
import { GateDialog } from './components/gate-dialog.js';
import { HostKeyDialog } from './components/host-key-dialog.js';
import { StepNav, type View } from './components/step-nav.js';
import { call, onJobEvent } from './skylift-api.js';
import { jobStore, useJobs } from './state/job-store.js';
import { useRequest } from './state/use-request.js';
import { ProjectsStep } from './steps/projects-step.js';

// The first screen loads alone; each later step arrives when it is first opened.
const SourceStep = lazy(() => import('./steps/source-step.js').then((m) => ({ default: m.SourceStep })));
const InventoryStep = lazy(() => import('./steps/inventory-step.js').then((m) => ({ default: m.InventoryStep })));
const TargetStep = lazy(() => import('./steps/target-step.js').then((m) => ({ default: m.TargetStep })));
const DesignStep = lazy(() => import('./steps/design-step.js').then((m) => ({ default: m.DesignStep })));
const WebsocketsStep = lazy(() => import('./steps/websockets-step.js').then((m) => ({ default: m.WebsocketsStep })));
const PlanStep = lazy(() => import('./steps/plan-step.js').then((m) => ({ default: m.PlanStep })));
const CutoverStep = lazy(() => import('./steps/cutover-step.js').then((m) => ({ default: m.CutoverStep })));
const SettingsPage = lazy(() => import('./settings/settings-page.js').then((m) => ({ default: m.SettingsPage })));
const DoctorPage = lazy(() => import('./steps/doctor-page.js').then((m) => ({ default: m.DoctorPage })));
const DoneStep = lazy(() => import('./steps/done-step.js').then((m) => ({ default: m.DoneStep })));

const VIEWS: View[] = ['projects', 'source', 'inventory', 'target', 'design', 'websockets', 'plan', 'cutover', 'done'];

function reachable(view: View, project: ProjectState | null, jobRunning: boolean): boolean {
  if (view === 'projects' || view === 'settings' || view === 'doctor') return true;
  if (!project) return false;
  if (view === 'source') return project.meta.source.kind === 'box';
  if (view === 'inventory') return project.inventories.length > 0 || jobRunning;
  if (view === 'done') return project.cutover?.lastRun?.mode === 'apply' && project.cutover.lastRun.result === 'completed';
  return project.design !== null;
}

export function App() {
  const [project, setProject] = useState<ProjectState | null>(null);
  const [view, setView] = useState<View>('projects');
  const [jobId, setJobId] = useState<string | null>(null);
  const jobs = useJobs();
  const nav = useRequest();
  const answer = useRequest();
  const job = jobId ? jobs[jobId] : undefined;

  // Subscribed first, then ready: main delivers what it held while the page loaded, in order.
  // Without a bridge this fails like every other call; the Projects step already says what to do.
  useEffect(() => {
    const off = onJobEvent((e) => jobStore.push(e));
    call('app:ready', {}).catch(() => undefined);
    return off;
  }, []);

  const go = useCallback(
    (next: View, current: ProjectState | null = project) => {
      setView(next);
      if (next !== 'projects' && next !== 'settings' && next !== 'doctor' && current) void nav.run(async () => setProject(await call('projects:set-step', { projectId: current.meta.id, step: next })));
    },
    [project, nav],
  );

  // A finished job (inventory, cutover run) changed what is on disk: reload the project to show it.
  const outcome = job?.outcome;
  useEffect(() => {
    if (outcome && outcome !== 'running' && project) void nav.run(async () => setProject(await call('projects:open', { projectId: project.meta.id })));
  }, [outcome]);

  const asking = Object.entries(jobs).find(([, j]) => j.hostKey !== null || j.confirm !== null);
  const reply = (id: string, promptId: string, yes: boolean) => {
    jobStore.answered(id);
    void answer.run(() => call('job:answer', { promptId, yes }));
  };
  const open = (p: ProjectState) => {
    setProject(p);
    setJobId(null);
    setView(p.meta.step);
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the step
      </a>
      <header className="app-header">
        <span className="brand">Skylift</span>
        {project && <span className="project-title">{project.meta.name}</span>}
        <button type="button" className="header-button" aria-current={view === 'settings' ? 'page' : undefined} onClick={() => go('settings')}>
          Settings
        </button>
      </header>
      <StepNav views={VIEWS} current={view} reachable={(v) => reachable(v, project, job?.outcome === 'running')} onGo={(v) => go(v)} />
      <main id="main">
        <ErrorNotice error={nav.error ?? answer.error} onDismiss={() => (nav.clear(), answer.clear())} />
        {view === 'projects' && <ProjectsStep onOpen={open} onDoctor={() => go('doctor')} />}
        <Suspense fallback={<p>Loading…</p>}>
        {project && view === 'source' && (
          <SourceStep
            project={project}
            onStarted={(id) => {
              setJobId(id);
              go('inventory');
            }}
          />
        )}
        {project && view === 'inventory' && <InventoryStep project={project} jobId={jobId} onRetry={() => go('source')} onNext={() => go('target')} />}
        {project && view === 'target' && <TargetStep project={project} onChange={setProject} onNext={() => go('design')} />}
        {project && view === 'design' && <DesignStep project={project} onChange={setProject} onNext={() => go('websockets')} />}
        {project && view === 'websockets' && <WebsocketsStep project={project} onChange={setProject} onNext={() => go('plan')} />}
        {project && view === 'plan' && <PlanStep project={project} onNext={() => go('cutover')} />}
        {project && view === 'cutover' && <CutoverStep project={project} jobId={jobId} onStarted={setJobId} onNext={() => go('done')} />}
        {view === 'settings' && <SettingsPage />}
        {view === 'doctor' && <DoctorPage onBack={() => go('projects')} />}
        {project && view === 'done' && (
          <DoneStep
            project={project}
            onRollback={(id) => {
              setJobId(id);
              go('cutover');
            }}
          />
        )}
        </Suspense>
      </main>
      {asking?.[1].hostKey && <HostKeyDialog key={asking[1].hostKey.promptId} question={asking[1].hostKey.question} onAnswer={(yes) => reply(asking[0], asking[1].hostKey?.promptId ?? '', yes)} />}
      {asking?.[1].confirm && <GateDialog key={asking[1].confirm.promptId} question={asking[1].confirm.question} onAnswer={(yes) => reply(asking[0], asking[1].confirm?.promptId ?? '', yes)} />}
    </>
  );
}
