/**
 * nginx configuration syntax: a tokenizer that follows nginx's own rules (ngx_conf_read_token),
 * a block parser, and the reassembly of an `nginx -T` dump — which prints every file once after
 * a `# configuration file PATH:` line but leaves the `include` directives in place — into one
 * tree with the includes expanded. All total: any text gives a (possibly empty) tree.
 */

export interface NginxDirective {
  name: string;
  args: string[];
  /** The `{ ... }` body, or null for a simple `name args;` directive. */
  block: NginxDirective[] | null;
  /** The file the directive is written in, when known. */
  file: string | null;
}

type Token = { kind: 'word'; value: string } | { kind: ';' | '{' | '}' };

const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };
/** What nginx makes of a backslash followed by `next`: known escapes collapse, others stay as written. */
const unescape = (next: string) => ESCAPES[next] ?? `\\${next}`;

/**
 * Splits config text into words and `; { }`. As in nginx: `#` starts a comment only where a
 * token could start; quotes only open a string at a token's start; an unquoted word ends at
 * whitespace, `;`, `{` or `}` — except the `{` of a `${var}` reference.
 */
export function tokenizeNginx(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push({ kind: ch });
      i++;
    } else if (ch === '"' || ch === "'") {
      let value = '';
      i++;
      while (i < n && text[i] !== ch) {
        if (text[i] === '\\' && i + 1 < n) {
          value += unescape(text[i + 1]!);
          i += 2;
        } else {
          value += text[i]!;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'word', value });
    } else {
      let value = '';
      while (i < n) {
        const c = text[i]!;
        if (/\s/.test(c) || c === ';' || c === '}') break;
        if (c === '{') {
          if (!value.endsWith('$')) break;
          const close = text.indexOf('}', i);
          const end = close === -1 ? n : close + 1;
          value += text.slice(i, end);
          i = end;
          continue;
        }
        if (c === '\\' && i + 1 < n) {
          value += unescape(text[i + 1]!);
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'word', value });
    }
  }
  return tokens;
}

/** Builds the directive tree of one file; stray `}` are skipped, unclosed blocks closed at the end. */
export function parseNginxText(text: string, file: string | null): NginxDirective[] {
  const tokens = tokenizeNginx(text);
  const root: NginxDirective[] = [];
  const stack: NginxDirective[][] = [root];
  let words: string[] = [];
  for (const t of tokens) {
    const current = stack[stack.length - 1]!;
    if (t.kind === 'word') {
      words.push(t.value);
    } else if (t.kind === ';') {
      if (words.length > 0) current.push({ name: words[0]!, args: words.slice(1), block: null, file });
      words = [];
    } else if (t.kind === '{') {
      const block: NginxDirective[] = [];
      current.push({ name: words[0] ?? '', args: words.slice(1), block, file });
      stack.push(block);
      words = [];
    } else {
      if (words.length > 0) current.push({ name: words[0]!, args: words.slice(1), block: null, file });
      words = [];
      if (stack.length > 1) stack.pop();
    }
  }
  return root;
}

export interface NginxDumpFile {
  file: string;
  text: string;
}

const FILE_MARK = /^# configuration file (.+):\s*$/;

/** Splits `nginx -T` output into its files, in dump order. Text before the first mark is dropped. */
export function splitNginxDump(dump: string): NginxDumpFile[] {
  const files: NginxDumpFile[] = [];
  let current: { file: string; lines: string[] } | null = null;
  for (const line of dump.split('\n')) {
    const m = FILE_MARK.exec(line);
    if (m) {
      if (current) files.push({ file: current.file, text: current.lines.join('\n') });
      current = { file: m[1]!, lines: [] };
    } else if (current) {
      current.lines.push(line);
    }
  }
  if (current) files.push({ file: current.file, text: current.lines.join('\n') });
  return files;
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    return /$^/;
  }
}

const MAX_INCLUDE_DEPTH = 12;

/**
 * The effective configuration of a dump: the first file's tree with every `include` replaced by
 * the trees of the dumped files its pattern matches (relative patterns from the main file's
 * directory), recursively. An include whose files are not in the dump simply disappears.
 */
export function assembleNginxDump(files: readonly NginxDumpFile[]): NginxDirective[] {
  const main = files[0];
  if (!main) return [];
  const confDir = dirname(main.file);
  const parsed = new Map<string, NginxDirective[]>();
  const treeOf = (f: NginxDumpFile): NginxDirective[] => {
    let tree = parsed.get(f.file);
    if (!tree) {
      tree = parseNginxText(f.text, f.file);
      parsed.set(f.file, tree);
    }
    return tree;
  };
  const expand = (directives: NginxDirective[], depth: number, chain: readonly string[]): NginxDirective[] => {
    const out: NginxDirective[] = [];
    for (const d of directives) {
      if (d.name === 'include' && d.block === null && d.args[0] !== undefined) {
        if (depth >= MAX_INCLUDE_DEPTH) continue;
        const pattern = d.args[0].startsWith('/') ? d.args[0] : `${confDir}/${d.args[0]}`;
        const re = globToRegExp(pattern);
        for (const f of files) {
          if (re.test(f.file) && !chain.includes(f.file)) out.push(...expand(treeOf(f), depth + 1, [...chain, f.file]));
        }
      } else if (d.block) {
        out.push({ ...d, block: expand(d.block, depth, chain) });
      } else {
        out.push(d);
      }
    }
    return out;
  };
  return expand(treeOf(main), 0, [main.file]);
}
