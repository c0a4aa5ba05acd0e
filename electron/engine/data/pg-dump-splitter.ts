/**
 * Cuts a plain-format pg_dump stream, as it arrives in arbitrary chunks, into what psql would
 * run: SQL statements (ended by a `;` outside quotes, dollar quotes and comments), psql
 * backslash lines (`\restrict` and the like), and the rows of each `COPY … FROM stdin`, passed
 * through untouched up to their `\.` line. Memory stays bounded by one statement: COPY data is
 * never buffered.
 */

export type PgDumpItem =
  | { kind: 'sql'; text: string }
  | { kind: 'meta'; text: string }
  | { kind: 'copy-data'; data: Buffer }
  | { kind: 'copy-end' };

const enum S {
  Normal,
  Squote,
  SquoteEnd,
  Estring,
  EstringEsc,
  EstringEnd,
  Dquote,
  Dash,
  LineComment,
  Slash,
  Block,
  BlockStar,
  BlockSlash,
  DollarTag,
  DollarBody,
  Meta,
  CopyLineRest,
}

const NL = 0x0a;
const isIdent = (b: number): boolean => (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x5f || b >= 0x80;
const isSpace = (b: number): boolean => b === 0x20 || b === NL || b === 0x09 || b === 0x0d || b === 0x0c;
const END_MARK = Buffer.from('\n\\.\n');
const COPY_FROM_STDIN = /^COPY\s[\s\S]*\sFROM\s+stdin\s*;$/i;

export class PgDumpSplitter {
  private state = S.Normal;
  /** Pieces of the statement being read, from its first significant byte. */
  private parts: Buffer[] = [];
  private started = false;
  private prev = 0x20;
  private prevPrev = 0x20;
  private depth = 0;
  private tag: number[] = [];
  private close: Buffer = Buffer.alloc(0);
  private matched = 0;
  private copying = false;
  /** COPY bytes held back because they might begin the `\.` end line. */
  private held: Buffer = Buffer.alloc(0);
  private copyAtLineStart = false;

  /** Whether the stream stopped inside COPY data or a statement (an incomplete dump). */
  get incomplete(): boolean {
    return this.copying || this.started || this.state === S.CopyLineRest || this.state === S.Meta;
  }

  push(chunk: Buffer): PgDumpItem[] {
    const out: PgDumpItem[] = [];
    let rest: Buffer | null = chunk;
    while (rest && rest.length) rest = this.copying ? this.copy(rest, out) : this.sql(rest, out);
    return out;
  }

  /** Call at the end of the stream; throws when the dump was cut short. */
  end(): void {
    if (this.incomplete) throw new Error(this.copying ? 'the dump ended inside table data' : 'the dump ended inside a statement');
  }

  /** COPY data up to the end line; returns what follows it (SQL again), or null. */
  private copy(chunk: Buffer, out: PgDumpItem[]): Buffer | null {
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    let at = -1;
    if (this.copyAtLineStart && data.length >= 3 && data[0] === 0x5c && data[1] === 0x2e && data[2] === NL) at = 0;
    else {
      const i = data.indexOf(END_MARK);
      if (i >= 0) at = i + 1;
    }
    if (at >= 0) {
      if (at > 0) out.push({ kind: 'copy-data', data: data.subarray(0, at) });
      out.push({ kind: 'copy-end' });
      this.copying = false;
      this.held = Buffer.alloc(0);
      this.prev = this.prevPrev = 0x20;
      return data.subarray(at + 3);
    }
    // Hold back a tail that could be the start of "\n\.\n" (or of "\.\n" on the first line).
    let hold = 0;
    const n = data.length;
    if (this.copyAtLineStart && n < 3 && (n === 0 || data[0] === 0x5c) && (n < 2 || data[1] === 0x2e)) hold = n;
    else if (n >= 3 && data[n - 3] === NL && data[n - 2] === 0x5c && data[n - 1] === 0x2e) hold = 3;
    else if (n >= 2 && data[n - 2] === NL && data[n - 1] === 0x5c) hold = 2;
    else if (data[n - 1] === NL) hold = 1;
    if (hold < n) {
      out.push({ kind: 'copy-data', data: data.subarray(0, n - hold) });
      this.copyAtLineStart = false;
    }
    this.held = Buffer.from(data.subarray(n - hold));
    return null;
  }

  private finishStatement(chunk: Buffer, from: number, to: number, out: PgDumpItem[]): void {
    if (to > from) this.parts.push(chunk.subarray(from, to));
    const text = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.started = false;
    if (this.state === S.Meta) {
      out.push({ kind: 'meta', text: text.trimEnd() });
      this.state = S.Normal;
      return;
    }
    out.push({ kind: 'sql', text });
    if (COPY_FROM_STDIN.test(text)) this.state = S.CopyLineRest;
  }

  /** SQL bytes until the chunk ends or COPY data begins; returns the COPY part, or null. */
  private sql(chunk: Buffer, out: PgDumpItem[]): Buffer | null {
    let from = this.started ? 0 : -1;
    const begin = (i: number): void => {
      if (!this.started) {
        this.started = true;
        from = i;
      }
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case S.Normal:
          if (b === 0x3b) {
            begin(i);
            this.finishStatement(chunk, from, i + 1, out);
            from = -1;
            if ((this.state as S) === S.CopyLineRest) continue;
            break;
          }
          if (isSpace(b)) break;
          if (b === 0x2d) {
            this.state = S.Dash;
            break;
          }
          if (b === 0x2f) {
            this.state = S.Slash;
            break;
          }
          if (b === 0x5c && !this.started) {
            begin(i);
            this.state = S.Meta;
            break;
          }
          begin(i);
          if (b === 0x27) this.state = (this.prev === 0x45 || this.prev === 0x65) && !isIdent(this.prevPrev) ? S.Estring : S.Squote;
          else if (b === 0x22) this.state = S.Dquote;
          else if (b === 0x24 && !isIdent(this.prev)) {
            this.state = S.DollarTag;
            this.tag = [];
          }
          break;
        case S.Squote:
          if (b === 0x27) this.state = S.SquoteEnd;
          break;
        case S.SquoteEnd:
          if (b === 0x27) this.state = S.Squote;
          else {
            this.state = S.Normal;
            i--;
            continue;
          }
          break;
        case S.Estring:
          if (b === 0x5c) this.state = S.EstringEsc;
          else if (b === 0x27) this.state = S.EstringEnd;
          break;
        case S.EstringEsc:
          this.state = S.Estring;
          break;
        case S.EstringEnd:
          if (b === 0x27) this.state = S.Estring;
          else {
            this.state = S.Normal;
            i--;
            continue;
          }
          break;
        case S.Dquote:
          if (b === 0x22) this.state = S.Normal;
          break;
        case S.Dash:
          if (b === 0x2d) this.state = S.LineComment;
          else {
            // A lone minus: significant, and it may have ended the previous chunk.
            if (!this.started) {
              this.started = true;
              from = i;
              this.parts.push(Buffer.from('-'));
            }
            this.state = S.Normal;
            i--;
            continue;
          }
          break;
        case S.LineComment:
          if (b === NL) this.state = S.Normal;
          break;
        case S.Slash:
          if (b === 0x2a) {
            this.state = S.Block;
            this.depth = 1;
          } else {
            if (!this.started) {
              this.started = true;
              from = i;
              this.parts.push(Buffer.from('/'));
            }
            this.state = S.Normal;
            i--;
            continue;
          }
          break;
        case S.Block:
          if (b === 0x2a) this.state = S.BlockStar;
          else if (b === 0x2f) this.state = S.BlockSlash;
          break;
        case S.BlockStar:
          if (b === 0x2f) this.state = --this.depth === 0 ? S.Normal : S.Block;
          else if (b !== 0x2a) this.state = b === 0x2f ? S.BlockSlash : S.Block;
          break;
        case S.BlockSlash:
          if (b === 0x2a) {
            this.depth++;
            this.state = S.Block;
          } else if (b !== 0x2f) this.state = S.Block;
          break;
        case S.DollarTag:
          if (b === 0x24) {
            this.close = Buffer.from([0x24, ...this.tag, 0x24]);
            this.matched = 0;
            this.state = S.DollarBody;
          } else if (isIdent(b) && !(this.tag.length === 0 && b >= 0x30 && b <= 0x39)) this.tag.push(b);
          else {
            // `$1`, `a$`: not a dollar quote after all.
            this.state = S.Normal;
            i--;
            continue;
          }
          break;
        case S.DollarBody:
          if (b === this.close[this.matched]) {
            if (++this.matched === this.close.length) this.state = S.Normal;
          } else this.matched = b === 0x24 ? 1 : 0;
          break;
        case S.Meta:
          if (b === NL) {
            this.finishStatement(chunk, from, i, out);
            from = -1;
          }
          break;
        case S.CopyLineRest:
          if (b === NL) {
            this.state = S.Normal;
            this.copying = true;
            this.copyAtLineStart = true;
            this.held = Buffer.alloc(0);
            return chunk.subarray(i + 1);
          }
          break;
      }
      this.prevPrev = this.prev;
      this.prev = b;
    }
    if (this.started && from >= 0) this.parts.push(chunk.subarray(from));
    return null;
  }
}
