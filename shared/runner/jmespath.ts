/**
 * The part of JMESPath that plan outputs use: field and index access (`a.b[0].c`), list
 * projections (`Subnets[].SubnetId`), `$metadata`-style names, and `join(',', expr)`. Anything
 * else is refused when the plan is checked, before a call is made, rather than read wrongly.
 * (The `jmespath` package would cover the whole language; it is not a dependency yet.)
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

type Segment = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'flatten' };

type Expr = { kind: 'path'; segments: Segment[] } | { kind: 'join'; separator: string; path: Segment[] };

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

function parsePath(text: string, whole: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') {
      if (i === 0 || i === text.length - 1) throw new ExpressionError(`unsupported output expression: ${whole}`);
      i++;
      continue;
    }
    if (text.startsWith('[]', i)) {
      segments.push({ kind: 'flatten' });
      i += 2;
      continue;
    }
    const index = /^\[(-?\d+)\]/.exec(text.slice(i));
    if (index) {
      segments.push({ kind: 'index', index: Number(index[1]) });
      i += index[0].length;
      continue;
    }
    const field = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i));
    if (!field) throw new ExpressionError(`unsupported output expression: ${whole}`);
    segments.push({ kind: 'field', name: field[0] });
    i += field[0].length;
  }
  if (segments.length === 0) throw new ExpressionError(`empty output expression: ${whole}`);
  return segments;
}

/** Parses an expression, throwing ExpressionError for anything outside the supported subset. */
export function parseExpression(text: string): Expr {
  const trimmed = text.trim();
  const join = /^join\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*(.+)\)$/.exec(trimmed);
  if (join) return { kind: 'join', separator: join[1]!.replace(/\\(.)/g, '$1'), path: parsePath(join[2]!.trim(), text) };
  return { kind: 'path', segments: parsePath(trimmed, text) };
}

function step(value: unknown, segment: Segment): unknown {
  if (segment.kind === 'field') return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[segment.name] : undefined;
  if (segment.kind === 'index') {
    if (!Array.isArray(value)) return undefined;
    return value[segment.index < 0 ? value.length + segment.index : segment.index];
  }
  return undefined;
}

function walk(value: unknown, segments: Segment[]): unknown {
  let current = value;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'flatten') {
      if (!Array.isArray(current)) return null;
      const flat = current.flatMap((x) => (Array.isArray(x) ? x : [x]));
      const rest = segments.slice(i + 1);
      // A projection: the rest applies to each element; missing results drop out.
      return flat.map((x) => (rest.length ? walk(x, rest) : x)).filter((x) => x !== null && x !== undefined);
    }
    current = step(current, segment);
    if (current === undefined || current === null) return null;
  }
  return current;
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

/** Evaluates an output expression over a response; missing paths give null. */
export function evaluate(expression: string, data: unknown): Json {
  const expr = parseExpression(expression);
  if (expr.kind === 'path') return toJson(walk(data, expr.segments));
  const list = walk(data, expr.path);
  if (!Array.isArray(list)) return null;
  return list.map((x) => String(x)).join(expr.separator);
}
