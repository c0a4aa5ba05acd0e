/**
 * Which Node.js majors a package.json `engines.node` range admits, at major granularity (the
 * platform picks the minor). Covers the forms seen in practice: `>=18`, `18.x`, `^16.14.0`,
 * `~14`, `16 || 18`, `>=14 <19`, `14 - 18`, `*`.
 */

const COMPARATOR = /^(>=|<=|>|<|=|\^|~)?\s*v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/;

function comparatorAllows(token: string, major: number): boolean | null {
  const m = COMPARATOR.exec(token);
  if (!m) return null;
  const op = m[1] ?? '=';
  if (!/^\d+$/.test(m[2] as string)) return true;
  const x = Number(m[2]);
  const finer = [m[3], m[4]].some((p) => p !== undefined && /^\d+$/.test(p) && Number(p) > 0);
  const precise = m[3] !== undefined && /^\d+$/.test(m[3]);
  switch (op) {
    case '>=':
      return major >= x;
    case '>':
      return precise ? major >= x : major > x;
    case '<':
      return finer ? major <= x : major < x;
    case '<=':
      return major <= x;
    default:
      return major === x;
  }
}

function alternativeAllows(alt: string, major: number): boolean | null {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alt.trim());
  const tokens = hyphen ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`] : alt.trim().split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0) return true;
  let all = true;
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i] as string;
    // ">= 18" written with a space.
    if (/^(>=|<=|>|<|=|\^|~)$/.test(token) && i + 1 < tokens.length) token += tokens[++i];
    const ok = comparatorAllows(token, major);
    if (ok === null) return null;
    all = all && ok;
  }
  return all;
}

/** True/false per major; null when the range is not understood (then it is not a constraint). */
export function rangeAllowsMajor(range: string, major: number): boolean | null {
  let understood = true;
  for (const alt of range.split('||')) {
    const ok = alternativeAllows(alt, major);
    if (ok === true) return true;
    if (ok === null) understood = false;
  }
  return understood ? false : null;
}
