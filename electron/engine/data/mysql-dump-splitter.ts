/**
 * Cuts a mysqldump / mariadb-dump stream, as it arrives in arbitrary chunks, into the
 * statements the mysql client would send: ended by the current delimiter outside quotes,
 * backquotes and comments, with `DELIMITER` lines (routines, triggers, events) obeyed.
 * Conditional comments (`/*!40101 … *\/`) are statement text and go to the server; no other
 * client command is ever run. The scan works on bytes: UTF-8 never puts an ASCII byte inside a
 * multi-byte character, and binary columns arrive as hex (--hex-blob).
 */

const enum S {
  Normal,
  Squote,
  SquoteEsc,
  Dquote,
  DquoteEsc,
  Backtick,
  Dash,
  Dash2,
  LineComment,
  Block,
  BlockStar,
  Slash,
  Directive,
}

const NL = 0x0a;
const isSpace = (b: number): boolean => b === 0x20 || b === NL || b === 0x09 || b === 0x0d || b === 0x0c;
const DELIMITER = 'DELIMITER';

export class MysqlDumpSplitter {
  private state = S.Normal;
  private parts: Buffer[] = [];
  private started = false;
  private delimiter = ';';
  private matched = 0;
  private lineStart = true;
  /** The line being read as a possible DELIMITER command. */
  private directive: number[] = [];

  get incomplete(): boolean {
    return this.started || this.state === S.Directive;
  }

  end(): void {
    if (this.incomplete) throw new Error('the dump ended inside a statement');
  }

  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let from = this.started ? 0 : -1;
    // Next quote / backslash at or after the scan position (-1: none left in this chunk, -2: not looked yet).
    let quoteAt = -2;
    let escapeAt = -2;
    /** Marks the statement as begun at byte i; `lead` is significant text held from before. */
    const begin = (i: number, lead?: string): void => {
      if (this.started) return;
      this.started = true;
      from = i;
      if (lead) this.parts.push(Buffer.from(lead, 'latin1'));
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case S.Normal: {
          const d = this.delimiter.charCodeAt(this.matched);
          if (b === d) {
            begin(i);
            if (++this.matched === this.delimiter.length) {
              this.matched = 0;
              this.emit(chunk, from, i + 1, out);
              from = -1;
            }
            break;
          }
          if (this.matched > 0) {
            this.matched = 0;
            i--;
            continue;
          }
          if (isSpace(b)) break;
          if (!this.started && this.lineStart && (b | 0x20) === 0x64) {
            this.state = S.Directive;
            this.directive = [b];
            break;
          }
          if (b === 0x2d) {
            this.state = S.Dash;
            break;
          }
          if (b === 0x23) {
            this.state = S.LineComment;
            break;
          }
          begin(i);
          if (b === 0x27) this.state = S.Squote;
          else if (b === 0x22) this.state = S.Dquote;
          else if (b === 0x60) this.state = S.Backtick;
          else if (b === 0x2f) this.state = S.Slash;
          break;
        }
        case S.Squote: {
          // Most of a dump's bytes are inside string literals: jump to what can end or escape one.
          if (quoteAt !== -1 && quoteAt < i) quoteAt = chunk.indexOf(0x27, i);
          if (escapeAt !== -1 && escapeAt < i) escapeAt = chunk.indexOf(0x5c, i);
          const next = quoteAt < 0 ? escapeAt : escapeAt < 0 ? quoteAt : Math.min(quoteAt, escapeAt);
          if (next < 0) {
            i = chunk.length;
            continue;
          }
          i = next;
          this.state = chunk[i] === 0x5c ? S.SquoteEsc : S.Normal;
          // Line starts matter only between statements, never inside a string.
          continue;
        }
        case S.SquoteEsc:
          this.state = S.Squote;
          break;
        case S.Dquote:
          if (b === 0x5c) this.state = S.DquoteEsc;
          else if (b === 0x22) this.state = S.Normal;
          break;
        case S.DquoteEsc:
          this.state = S.Dquote;
          break;
        case S.Backtick:
          if (b === 0x60) this.state = S.Normal;
          break;
        case S.Dash:
          if (b === 0x2d) this.state = S.Dash2;
          else {
            begin(i, '-');
            this.state = S.Normal;
            i--;
            continue;
          }
          break;
        case S.Dash2:
          // "--" starts a comment only when white space follows (MySQL's rule).
          if (isSpace(b)) this.state = b === NL ? S.Normal : S.LineComment;
          else {
            begin(i, '--');
            this.state = S.Normal;
            i--;
            continue;
          }
          break;
        case S.LineComment:
          if (b === NL) this.state = S.Normal;
          break;
        case S.Slash:
          this.state = b === 0x2a ? S.Block : S.Normal;
          if (b !== 0x2a) {
            i--;
            continue;
          }
          break;
        case S.Block:
          if (b === 0x2a) this.state = S.BlockStar;
          break;
        case S.BlockStar:
          if (b === 0x2f) this.state = S.Normal;
          else if (b !== 0x2a) this.state = S.Block;
          break;
        case S.Directive: {
          const n = this.directive.length;
          if (n < DELIMITER.length ? (b & 0xdf) === DELIMITER.charCodeAt(n) : n > DELIMITER.length || b === 0x20 || b === 0x09) {
            if (b === NL) {
              this.directiveDone();
              break;
            }
            this.directive.push(b);
            if (this.directive.length > 256) throw new Error('a DELIMITER line in the dump is too long');
            break;
          }
          if (n > DELIMITER.length && b === NL) {
            this.directiveDone();
            break;
          }
          // Not a DELIMITER command: SQL that happens to start with D (DROP…).
          begin(i, Buffer.from(this.directive).toString('latin1'));
          this.directive = [];
          this.state = S.Normal;
          i--;
          continue;
        }
      }
      this.lineStart = b === NL;
    }
    if (this.started && from >= 0) this.parts.push(chunk.subarray(from));
    return out;
  }

  private directiveDone(): void {
    const word = Buffer.from(this.directive).toString('utf8').slice(DELIMITER.length).trim();
    this.directive = [];
    this.state = S.Normal;
    if (!word) throw new Error('a DELIMITER line in the dump names no delimiter');
    this.delimiter = word;
  }

  private emit(chunk: Buffer, from: number, to: number, out: string[]): void {
    if (from >= 0 && to > from) this.parts.push(chunk.subarray(from, to));
    const text = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.started = false;
    const statement = text.slice(0, text.length - this.delimiter.length).trim();
    if (statement) out.push(statement);
  }
}
