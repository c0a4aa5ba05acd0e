import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PgDumpSplitter, type PgDumpItem } from '../../../electron/engine/data/pg-dump-splitter.js';

/** A plain pg_dump as 15.14+ writes it (\restrict fence), with what trips naive splitters. */
const DUMP = String.raw`--
-- PostgreSQL database dump
--

\restrict p7gCUGYxPn85SgFrg8nPJbr59CEqolx82rluyiG5AK3kiD5IpSjPzVBJJci8ZdH

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA "we;ird";
/* a block /* nested; */ comment; */
CREATE FUNCTION shop.f() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ begin new.name := 'x;y'; return new; end; $$;
CREATE FUNCTION shop.g() RETURNS text LANGUAGE sql AS $fn$ select $inner$;$inner$ $fn$;
COMMENT ON TABLE shop.items IS 'items; with ''quotes''; and -- dashes';
SELECT E'escaped \' quote; still a string', $1a, a$b;
COPY shop.items (id, name) FROM stdin;
1	a😀
2	\N
3	line\nwith \\. inside
\.
COPY shop.empty (id) FROM stdin;
\.
SELECT pg_catalog.setval('shop.items_id_seq', 3, true);
--
-- PostgreSQL database dump complete
--

\unrestrict Ya0WZg9PEjG7CKBVw6abNAYQd62PkWeY7980k7XyS50FEQhVzsOPB3EJZXlM2Vd
`;

/** Items with consecutive COPY data merged (as bytes: a chunk may end inside a character), whatever the chunking. */
function split(chunks: Buffer[]): { kind: string; text: string }[] {
  const s = new PgDumpSplitter();
  const items: PgDumpItem[] = chunks.flatMap((c) => s.push(c));
  s.end();
  const out: { kind: string; data: Buffer[]; text: string }[] = [];
  for (const item of items) {
    const last = out.at(-1);
    if (item.kind === 'copy-data' && last?.kind === 'copy-data') last.data.push(item.data);
    else out.push({ kind: item.kind, data: item.kind === 'copy-data' ? [item.data] : [], text: item.kind === 'sql' || item.kind === 'meta' ? item.text : '' });
  }
  return out.map((i) => ({ kind: i.kind, text: i.kind === 'copy-data' ? Buffer.concat(i.data).toString('utf8') : i.text }));
}

function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of [...points, buf.length]) {
    out.push(buf.subarray(at, p));
    at = p;
  }
  return out.filter((b) => b.length > 0);
}

describe('PgDumpSplitter', () => {
  const whole = split([Buffer.from(DUMP)]);

  it('cuts statements at semicolons outside strings, dollar quotes and (nested) comments', () => {
    expect(whole.map((i) => i.kind)).toEqual(['meta', 'sql', 'sql', 'sql', 'sql', 'sql', 'sql', 'sql', 'sql', 'copy-data', 'copy-end', 'sql', 'copy-end', 'sql', 'meta']);
    expect(whole[0]).toEqual({ kind: 'meta', text: '\\restrict p7gCUGYxPn85SgFrg8nPJbr59CEqolx82rluyiG5AK3kiD5IpSjPzVBJJci8ZdH' });
    expect(whole[3]!.text).toBe('CREATE SCHEMA "we;ird";');
    expect(whole[4]!.text).toMatch(/^CREATE FUNCTION shop\.f\(\)[\s\S]*end; \$\$;$/);
    expect(whole[5]!.text).toBe('CREATE FUNCTION shop.g() RETURNS text LANGUAGE sql AS $fn$ select $inner$;$inner$ $fn$;');
    expect(whole[6]!.text).toBe("COMMENT ON TABLE shop.items IS 'items; with ''quotes''; and -- dashes';");
    expect(whole[7]!.text).toBe("SELECT E'escaped \\' quote; still a string', $1a, a$b;");
  });

  it('passes COPY rows through untouched up to the \\. line, empty tables included', () => {
    expect(whole[8]!.text).toBe('COPY shop.items (id, name) FROM stdin;');
    expect(whole[9]!.text).toBe('1\ta😀\n2\t\\N\n3\tline\\nwith \\\\. inside\n');
    expect(whole[11]!.text).toBe('COPY shop.empty (id) FROM stdin;');
    expect(whole[14]!.text).toMatch(/^\\unrestrict /);
  });

  it('gives the same items however the stream is chunked', () => {
    const buf = Buffer.from(DUMP);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        expect(split(chunked(buf, cuts))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
    expect(split([...buf].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('says when the dump was cut short, inside rows or inside a statement', () => {
    const s = new PgDumpSplitter();
    s.push(Buffer.from('COPY t (a) FROM stdin;\n1\n2\n'));
    expect(() => s.end()).toThrow(/inside table data/);
    const t = new PgDumpSplitter();
    t.push(Buffer.from("CREATE TABLE t (a text DEFAULT 'x;"));
    expect(() => t.end()).toThrow(/inside a statement/);
    const u = new PgDumpSplitter();
    u.push(Buffer.from('SET a = 1;\n-- trailing comment\n'));
    expect(() => u.end()).not.toThrow();
  });
});
