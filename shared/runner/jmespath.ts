/**
 * Plan outputs are JMESPath expressions over an operation's response, evaluated by the `jmespath`
 * package. A plan's expressions are compiled when it is checked, so a bad one stops the run before
 * any call is made rather than reading a response wrongly.
 */

import { compile, search } from 'jmespath';

declare module 'jmespath' {
  /** Parses an expression, throwing on a syntax error (exported by the package, missing from its types). */
  export function compile(expression: string): unknown;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

/** Throws ExpressionError unless `text` is a JMESPath expression. */
export function checkExpression(text: string): void {
  try {
    compile(text);
  } catch (err) {
    throw new ExpressionError(`not a JMESPath expression: ${text} (${(err as Error).message})`);
  }
}

/** Plain JSON: Dates become ISO strings, byte arrays are dropped (outputs never carry them). */
function toJson(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    if (ArrayBuffer.isView(value)) return null;
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJson(v)]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

/** Evaluates an output expression over a response (as JSON); missing paths give null. */
export function evaluate(expression: string, data: unknown): Json {
  return toJson(search(toJson(data), expression));
}
