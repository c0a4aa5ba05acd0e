/**
 * Source data for the PostgreSQL tests: a few MB across several tables with the types that
 * round-trip badly (time zones, JSON, binary, emoji, NULLs, NaN, escapes), objects a plain dump
 * must replay in order (extensions, enum, function with `;` in its body, trigger, view, policy,
 * grants to other roles), and a table without a primary key.
 */
export const PG_SEED = String.raw`
create role app;
create role reader;
create extension citext;
create extension pgcrypto;
create schema shop authorization app;
create type shop.mood as enum ('sad', 'ok', 'happy');
create table shop.customers (
  id bigserial primary key,
  email citext unique not null,
  name text,
  created_at timestamptz not null default now(),
  profile jsonb,
  avatar bytea,
  mood shop.mood,
  score double precision,
  balance numeric(14, 2),
  tags text[],
  birthday date,
  nap interval,
  ident uuid default gen_random_uuid()
);
comment on table shop.customers is 'people; with semicolons; and ''quotes''';
create table shop.orders (
  id bigserial primary key,
  customer_id bigint references shop.customers (id),
  placed_at timestamptz,
  local_time timestamp,
  total numeric(12, 2),
  items json,
  note text
);
create table public.events (at timestamptz, payload jsonb, raw bytea);
create table public."Weird Name" ("select" int, "semi;colon" text);
create function shop.touch() returns trigger language plpgsql as $body$
begin
  new.note := coalesce(new.note, 'none; really');
  return new;
end;
$body$;
create trigger orders_touch before insert on shop.orders for each row execute function shop.touch();
create view shop.big_spenders as select c.email, sum(o.total) as spent from shop.customers c join shop.orders o on o.customer_id = c.id group by c.email;
alter table shop.orders enable row level security;
create policy readers_see_all on shop.orders to reader using (true);
grant usage on schema shop to reader;
grant select on shop.orders, shop.big_spenders to reader;
alter table shop.customers owner to app;
alter table shop.orders owner to app;
alter default privileges for role app in schema shop grant select on tables to reader;

insert into shop.customers (email, name, created_at, profile, avatar, mood, score, balance, tags, birthday, nap)
select
  'user' || g || '@example.com',
  case when g % 7 = 0 then null else 'Ünïcødé 😀 name ' || g || E'\ttab\\back' end,
  timestamptz '2021-03-28 01:30:00+01' + (g || ' minutes')::interval,
  case when g % 5 = 0 then null else jsonb_build_object('n', g, 'emoji', '🚀', 'nested', jsonb_build_object('a', array[g, g * 2]), 'q', 'say "hi"') end,
  case when g % 3 = 0 then null else gen_random_bytes(64) end,
  (array['sad', 'ok', 'happy'])[1 + g % 3]::shop.mood,
  case when g = 1 then 'NaN'::float8 when g = 2 then 'Infinity'::float8 else g / 3.0 end,
  g * 1.25,
  array['t' || g, E'line\nbreak'],
  date '1970-01-01' + g,
  (g || ' seconds')::interval
from generate_series(1, 6000) g;

insert into shop.orders (customer_id, placed_at, local_time, total, items, note)
select 1 + g % 6000, now() - (g || ' hours')::interval, timestamp '2020-02-29 23:59:59.999999' + (g || ' seconds')::interval, g % 997 * 1.01,
  json_build_array(json_build_object('sku', 'S' || g, 'qty', g % 5)), case when g % 4 = 0 then null else repeat('x', g % 300) end
from generate_series(1, 20000) g;

insert into public.events select now() - (g || ' days')::interval, jsonb_build_object('g', g), decode(md5(g::text) || md5((g + 1)::text), 'hex')
from generate_series(1, 10000) g;
insert into public.events values (null, null, null), (null, null, null);
insert into public."Weird Name" values (1, 'a;b'), (null, E'\\.'), (2, E'line\n\\.\nend');
`;

/** A table big enough that a copy is still streaming when the connection is cut (~40 MB). */
export const PG_BIG_SEED = String.raw`
create table bulk (id int primary key, body text);
insert into bulk select g, repeat(md5(g::text), 40) from generate_series(1, 30000) g;
`;
