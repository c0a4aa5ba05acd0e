import type { WizardStep } from '../../../shared/ipc/project.js';

export type View = 'projects' | 'settings' | 'doctor' | WizardStep;

export const STEP_LABELS: Record<View, string> = {
  projects: 'Projects',
  settings: 'Settings',
  doctor: 'WebSocket doctor',
  source: 'Source box',
  inventory: 'Inventory',
  target: 'Target',
  design: 'Design',
  websockets: 'Load balancer & WebSockets',
  plan: 'Plan',
  cutover: 'Cutover',
  done: 'Done',
};

/** The wizard's steps; the ones not reachable yet are shown but disabled. */
export function StepNav({ views, current, reachable, onGo }: { views: View[]; current: View; reachable: (v: View) => boolean; onGo: (v: View) => void }) {
  return (
    <nav aria-label="Wizard steps" className="step-nav">
      <ol>
        {views.map((v, i) => (
          <li key={v}>
            <button type="button" aria-current={v === current ? 'step' : undefined} disabled={!reachable(v)} onClick={() => onGo(v)}>
              <span className="step-number" aria-hidden="true">
                {i + 1}
              </span>
              {STEP_LABELS[v]}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
