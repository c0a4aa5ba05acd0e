import type { ProjectState } from '../../../shared/ipc/project.js';
import type { Answer } from '../components/decision-card.js';
import { call } from '../skylift-api.js';
import { useRequest } from './use-request.js';

/** Changes one answer (or returns it to Skylift's default) and takes the re-planned project. */
export function useAnswer(project: ProjectState, onChange: (p: ProjectState) => void): { answer: Answer; req: ReturnType<typeof useRequest> } {
  const req = useRequest();
  const answer: Answer = (key, value) =>
    void req.run(async () => onChange(await call('design:answer', { projectId: project.meta.id, answers: value === undefined ? {} : { [key]: value }, clear: value === undefined ? [key] : [] })));
  return { answer, req };
}
