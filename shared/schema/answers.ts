import { z } from 'zod';

/**
 * Answers: the user's choices that steer the mapping (region, domains, sizing, blocker
 * resolutions…). Every question the wizard can ask has a stable key; an answer file makes a
 * run non-interactive and repeatable. Values are plain JSON scalars or string lists.
 */

export const ANSWERS_SCHEMA_VERSION = 1 as const;

export const AnswerValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
export type AnswerValue = z.infer<typeof AnswerValue>;

export const Answers = z.record(z.string(), AnswerValue);
export type Answers = z.infer<typeof Answers>;

/** answers.json as written by `skylift plan` and read back by `--answers`. */
export const AnswersFile = z.object({
  schemaVersion: z.literal(ANSWERS_SCHEMA_VERSION),
  answers: Answers,
  /** Keys whose value is the default the planner chose, not one the user gave. */
  defaulted: z.array(z.string()),
});
export type AnswersFile = z.infer<typeof AnswersFile>;

export const QuestionKind = z.enum(['choice', 'text', 'number', 'boolean', 'list']);
export type QuestionKind = z.infer<typeof QuestionKind>;

export const QuestionChoice = z.object({
  value: z.string(),
  label: z.string(),
  /** What picking this means (cost, app change, downtime…). */
  consequence: z.string(),
});
export type QuestionChoice = z.infer<typeof QuestionChoice>;

export const Question = z.object({
  key: z.string(),
  prompt: z.string(),
  kind: QuestionKind,
  choices: z.array(QuestionChoice),
  /** Null when there is no safe default (a blocker's resolution): the user must answer. */
  default: AnswerValue,
  defaultReason: z.string(),
});
export type Question = z.infer<typeof Question>;

/** How an answer used by the mapping was obtained. */
export const AnswerRecord = z.object({
  key: z.string(),
  value: AnswerValue,
  source: z.enum(['given', 'defaulted']),
});
export type AnswerRecord = z.infer<typeof AnswerRecord>;
