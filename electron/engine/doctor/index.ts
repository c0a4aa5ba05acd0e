import { diagnose, type Diagnosis } from '../../../shared/doctor/diagnose.js';
import type { DoctorFacts } from '../../../shared/doctor/facts.js';
import { awsClientsFor } from '../runner/migration.js';
import type { RunnerOptions } from '../runner/run.js';
import { collectFacts } from './collect.js';
import { directConnect } from './handshake.js';

export interface ExamineOptions {
  environment: string;
  region: string;
  urls: string[];
  echoEvent: string | null;
  /** How the runner reaches AWS and the environment (credentials, endpoint, connector, data dir). */
  runner: RunnerOptions;
}

export interface Examination {
  facts: DoctorFacts;
  diagnosis: Diagnosis;
}

/** Reads the environment and shakes hands with it; changes nothing. */
export async function examine(opts: ExamineOptions): Promise<Examination> {
  const clients = awsClientsFor(opts.runner.aws, opts.region, 'skylift-doctor');
  try {
    const facts = await collectFacts(clients, {
      environment: opts.environment,
      urls: opts.urls,
      echoEvent: opts.echoEvent,
      connect: opts.runner.connect ?? directConnect,
      ...(opts.runner.signal ? { signal: opts.runner.signal } : {}),
    });
    return { facts, diagnosis: diagnose(facts) };
  } finally {
    clients.destroy();
  }
}

/** A fix's migration id (lower case, at most 62 characters): the environment and the second, so a fix after an undo is a new migration. */
export function fixId(environment: string, at = new Date()): string {
  return `doctor-${environment.toLowerCase()}-${at.toISOString().replace(/\D/g, '').slice(0, 14)}`;
}
