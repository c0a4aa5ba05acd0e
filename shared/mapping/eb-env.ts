/**
 * Environment properties from the names the box defines (.env, PM2, systemd). Values never
 * enter the design: plain ones are read from the box at apply time, secret-looking ones go to
 * SSM Parameter Store (SecureString) and reach the app through the environmentsecrets
 * namespace; connection settings for a moved database or cache get the new endpoint.
 */

import type { EnvVar } from '../schema/design.js';
import type { MappingContext } from './context.js';
import type { AppGroup } from './sources.js';
import { fact } from './sources.js';

export const APP_PORT = 8080;
/** Elastic Beanstalk's limit on all environment properties together (names, values, separators). */
export const EB_ENV_LIMIT = 4096;

const DB_ENDPOINT = /^(DATABASE_UR[LI]|DB_UR[LI]|(PG|POSTGRES(QL)?|MYSQL|MARIADB)_UR[LI]|(DB|DATABASE|PG|POSTGRES(QL)?|MYSQL|MARIADB)_?HOST(NAME)?)$/i;
const CACHE_ENDPOINT = /^((SESSION_)?(REDIS|CACHE|VALKEY|MEMCACHED?)_?(UR[LI]|HOST(NAME)?|SERVERS?|ADDR))$/i;

export interface Endpoints {
  databases: { resource: string; engine: string }[];
  caches: { resource: string; engine: string }[];
}

function pickEndpoint(name: string, options: { resource: string; engine: string }[]): string | null {
  const hinted = options.find((o) => (o.engine === 'postgres' && /^(PG|POSTGRES)/i.test(name)) || (o.engine !== 'postgres' && /^(MYSQL|MARIADB)/i.test(name)) || (o.engine === 'memcached' && /^MEMCACHE/i.test(name)));
  return (hinted ?? options[0])?.resource ?? null;
}

interface Found {
  name: string;
  sources: string[];
  secret: boolean;
  fact: string;
}

function collect(group: AppGroup): Found[] {
  const byName = new Map<string, Found>();
  const add = (name: string, source: string, secret: boolean, f: string) => {
    const found = byName.get(name);
    if (found) {
      if (!found.sources.includes(source)) found.sources.push(source);
      found.secret ||= secret;
    } else byName.set(name, { name, sources: [source], secret, fact: f });
  };
  for (const { inv, app } of group.members) {
    for (const e of app.envNames) add(e.name, e.source, e.secret, fact(inv, `apps[${app.name}].envNames[${e.name}].source`, e.source));
    for (const p of inv.runtimes.pm2.apps.filter((p) => p.cwd === app.dir)) {
      for (const n of p.envNames) add(n, `pm2:${p.name}`, false, fact(inv, `runtimes.pm2.apps[${p.name}].envNames`, n));
    }
    for (const u of inv.services.units.filter((u) => u.workingDirectory === app.dir)) {
      for (const n of u.environmentNames) add(n, `systemd:${u.name}`, false, fact(inv, `services.units[${u.name}].environmentNames`, n));
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function mapEnvVars(ctx: MappingContext, group: AppGroup, migration: string, endpoints: Endpoints): EnvVar[] {
  const found = collect(group);
  const vars: EnvVar[] = [];
  const moved: string[] = [];
  for (const f of found) {
    const source = f.sources.join(', ');
    const parameterName = `/skylift/${migration}/${group.id}/${f.name}`;
    const endpoint = DB_ENDPOINT.test(f.name) ? pickEndpoint(f.name, endpoints.databases) : CACHE_ENDPOINT.test(f.name) ? pickEndpoint(f.name, endpoints.caches) : null;
    if (f.name === 'PORT') {
      vars.push({ name: 'PORT', source, store: 'environment', value: { kind: 'literal', value: String(APP_PORT) }, parameterName: null, note: `Set explicitly: the instance's nginx proxies to ${APP_PORT}.` });
    } else if (endpoint) {
      moved.push(`${f.name} → ${endpoint}`);
      vars.push({ name: f.name, source, store: f.secret ? 'ssm' : 'environment', value: { kind: 'rewrite-endpoint', resource: endpoint }, parameterName: f.secret ? parameterName : null, note: `The box's value with its host and port replaced by ${endpoint}'s endpoint.` });
    } else if (f.secret) {
      vars.push({ name: f.name, source, store: 'ssm', value: { kind: 'copy-from-box' }, parameterName, note: 'Secret-looking name: the value goes to SSM Parameter Store as a SecureString.' });
    } else {
      vars.push({ name: f.name, source, store: 'environment', value: { kind: 'copy-from-box' }, parameterName: null, note: 'Copied from the box at apply time.' });
    }
  }
  if (!vars.some((v) => v.name === 'PORT')) {
    vars.push({ name: 'PORT', source: 'skylift', store: 'environment', value: { kind: 'literal', value: String(APP_PORT) }, parameterName: null, note: `Set explicitly: the instance's nginx proxies to ${APP_PORT}; the app must listen on process.env.PORT.` });
  }
  if (!vars.some((v) => v.name === 'NODE_ENV')) {
    vars.push({ name: 'NODE_ENV', source: 'skylift', store: 'environment', value: { kind: 'literal', value: 'production' }, parameterName: null, note: 'Not set on the box; production is what Elastic Beanstalk apps expect.' });
  }
  vars.sort((a, b) => a.name.localeCompare(b.name));

  // Known length: names and literal values, plus the ARN each secret's value becomes.
  const known = vars.reduce((n, v) => n + v.name.length + 1 + (v.value.kind === 'literal' ? v.value.value.length : 0) + (v.store === 'ssm' ? 40 + (v.parameterName?.length ?? 0) : 0), 0);
  const warnings = [`The ${EB_ENV_LIMIT}-character limit on environment properties is checked again at apply time with the real values (${known} characters are known now).`];
  if (known > EB_ENV_LIMIT) {
    const resolution = ctx.block({
      id: `env.${group.id}.too-long`,
      area: 'env',
      title: `${group.name}'s environment properties exceed ${EB_ENV_LIMIT} characters`,
      detail: `Names and known values already take ${known} characters.`,
      facts: found.map((f) => f.fact),
      resolutions: [{ value: 'move-to-ssm', label: 'Move plain values to SSM', consequence: 'All values are read from Parameter Store; only ARNs stay in the environment.' }],
      answerKey: `env.${group.id}.tooLong`,
    });
    if (resolution === 'move-to-ssm') {
      for (const v of vars.filter((v) => v.store === 'environment' && v.value.kind === 'copy-from-box')) {
        v.store = 'ssm';
        v.parameterName = `/skylift/${migration}/${group.id}/${v.name}`;
      }
    }
  }
  const secrets = vars.filter((v) => v.store === 'ssm').map((v) => v.name);
  ctx.decide({
    id: `env.${group.id}.variables`,
    area: 'env',
    title: `Environment properties for ${group.name}`,
    value: vars.map((v) => `${v.name}${v.store === 'ssm' ? ' (SSM)' : ''}`),
    reason: [
      `${vars.length} names; values are never written into the plan.`,
      secrets.length > 0 ? `${secrets.join(', ')} look like secrets: stored in SSM Parameter Store and injected through aws:elasticbeanstalk:application:environmentsecrets.` : '',
      moved.length > 0 ? `Connection settings get the new endpoints: ${moved.join('; ')}.` : '',
    ].filter((s) => s.length > 0).join(' '),
    facts: found.map((f) => f.fact),
    warnings,
  });
  return vars;
}
