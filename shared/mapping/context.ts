/**
 * The mapping's working state: answers looked up through questions (so every choice has a key,
 * a default and a reason), and the decisions, blockers, coverage and open questions collected
 * while the area mappers run.
 */

import type { AnswerRecord, Answers, AnswerValue, Question, QuestionChoice, QuestionKind } from '../schema/answers.js';
import type { Area, Blocker, CoverageItem, Decision, OpenQuestion, TableRow } from '../schema/design.js';
import type { Tables } from './tables/index.js';

export interface QuestionSpec<T extends AnswerValue> {
  key: string;
  prompt: string;
  kind: QuestionKind;
  choices?: QuestionChoice[];
  default: T;
  defaultReason: string;
}

export interface DecisionInput {
  id: string;
  area: Area;
  title: string;
  value: AnswerValue;
  reason: string;
  facts?: string[];
  alternatives?: { value: string; why: string }[];
  warnings?: string[];
  tableRow?: TableRow | null;
  answerKey?: string | null;
}

export interface BlockerInput {
  id: string;
  area: Area;
  title: string;
  detail: string;
  facts: string[];
  resolutions: QuestionChoice[];
  /** Null for blockers only a change elsewhere (another answer, the box) can lift. */
  answerKey: string | null;
}

export class MappingContext {
  readonly questions: Question[] = [];
  readonly records: AnswerRecord[] = [];
  readonly decisions: Decision[] = [];
  readonly blockers: Blocker[] = [];
  readonly coverage: CoverageItem[] = [];
  readonly openQuestions: OpenQuestion[] = [];
  private readonly used = new Set<string>();

  constructor(
    private readonly answers: Answers,
    private readonly defaulted: ReadonlySet<string>,
    readonly tables: Tables,
  ) {}

  /** The answer for a question (validated), or its default; registers the question either way. */
  ask<T extends AnswerValue>(spec: QuestionSpec<T>): T {
    if (!this.used.has(spec.key)) {
      this.used.add(spec.key);
      this.questions.push({
        key: spec.key,
        prompt: spec.prompt,
        kind: spec.kind,
        choices: spec.choices ?? [],
        default: spec.default,
        defaultReason: spec.defaultReason,
      });
    }
    const given = Object.hasOwn(this.answers, spec.key) ? this.answers[spec.key] : undefined;
    if (given !== undefined) {
      const problem = invalidAnswer(spec, given);
      if (!problem) {
        this.record(spec.key, given, this.defaulted.has(spec.key) ? 'defaulted' : 'given');
        return given as T;
      }
      this.blockers.push({
        id: `answer-invalid:${spec.key}`,
        area: 'general',
        title: `Answer ${spec.key} is not valid`,
        detail: `${JSON.stringify(given)} ${problem}; the default was used until it is corrected.`,
        facts: [],
        resolutions: spec.choices ?? [],
        answerKey: null,
        resolution: null,
      });
    }
    this.record(spec.key, spec.default, 'defaulted');
    return spec.default;
  }

  /** True when the user gave the answer (as opposed to it being defaulted). */
  given(key: string): boolean {
    return this.records.some((r) => r.key === key && r.source === 'given');
  }

  decide(d: DecisionInput): void {
    const facts = d.facts ?? [];
    const answerKey = d.answerKey ?? null;
    this.decisions.push({
      id: d.id,
      area: d.area,
      title: d.title,
      value: d.value,
      reason: d.reason,
      facts,
      alternatives: d.alternatives ?? [],
      warnings: d.warnings ?? [],
      tableRow: d.tableRow ?? null,
      answerKey,
      basis: answerKey && this.given(answerKey) ? 'answer' : facts.length > 0 ? 'evidence' : answerKey ? 'default' : 'rule',
    });
  }

  /** Records a blocker; returns the chosen resolution, or null while it is open. */
  block(b: BlockerInput): string | null {
    const resolution = b.answerKey
      ? this.ask<string | null>({
          key: b.answerKey,
          prompt: `${b.title} — how should this be resolved?`,
          kind: 'choice',
          choices: b.resolutions,
          default: null,
          defaultReason: 'A blocker has no safe default: the plan cannot be applied until you pick a resolution.',
        })
      : null;
    this.blockers.push({ ...b, resolution });
    return resolution;
  }

  cover(item: CoverageItem): void {
    this.coverage.push(item);
  }

  open(q: OpenQuestion): void {
    this.openQuestions.push(q);
  }

  /** Given answers no question asked for. */
  unusedAnswers(): string[] {
    return Object.keys(this.answers)
      .filter((k) => !this.used.has(k))
      .sort();
  }

  private record(key: string, value: AnswerValue, source: AnswerRecord['source']): void {
    if (!this.records.some((r) => r.key === key)) this.records.push({ key, value, source });
  }
}

function invalidAnswer(spec: QuestionSpec<AnswerValue>, value: AnswerValue): string | null {
  if (value === null) return spec.default === null || spec.kind === 'text' || spec.kind === 'number' ? null : 'may not be null';
  switch (spec.kind) {
    case 'choice': {
      const values = (spec.choices ?? []).map((c) => c.value);
      return typeof value === 'string' && values.includes(value) ? null : `is not one of ${values.join(', ')}`;
    }
    case 'text':
      return typeof value === 'string' ? null : 'is not text';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? null : 'is not a non-negative number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'is not true or false';
    case 'list':
      return Array.isArray(value) ? null : 'is not a list';
  }
}
