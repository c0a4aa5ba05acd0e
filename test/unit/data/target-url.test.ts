import { describe, expect, it } from 'vitest';
import { DataError } from '../../../shared/data/data-error.js';
import { maskUrl, parseTargetUrl } from '../../../shared/data/target-url.js';

const bad = (text: string): DataError => {
  try {
    parseTargetUrl(text);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error(`parsed: ${text}`);
};

describe('parseTargetUrl', () => {
  it('reads an RDS PostgreSQL URL with TLS options', () => {
    const u = parseTargetUrl('postgres://master:s3cr%40t@app.abc123.eu-west-1.rds.amazonaws.com/app?sslmode=verify-full&sslrootcert=/etc/ssl/global-bundle.pem');
    expect(u).toEqual({
      engine: 'postgres',
      host: 'app.abc123.eu-west-1.rds.amazonaws.com',
      port: 5432,
      user: 'master',
      password: 's3cr@t',
      database: 'app',
      tls: { mode: 'verify-full', caFile: '/etc/ssl/global-bundle.pem' },
      masked: 'postgres://master:***@app.abc123.eu-west-1.rds.amazonaws.com/app?sslmode=verify-full&sslrootcert=/etc/ssl/global-bundle.pem',
    });
  });

  it('defaults to prefer for SQL, plain for redis://, verify-full for rediss:// and for a CA without a mode', () => {
    expect(parseTargetUrl('postgresql://u@h/db').tls.mode).toBe('prefer');
    expect(parseTargetUrl('mysql://u@h:3307/db').tls.mode).toBe('prefer');
    expect(parseTargetUrl('redis://h').tls.mode).toBe('disable');
    expect(parseTargetUrl('rediss://h:6380').tls).toEqual({ mode: 'verify-full', caFile: null });
    expect(parseTargetUrl('mysql://u@h/db?ssl-ca=/ca.pem').tls).toEqual({ mode: 'verify-full', caFile: '/ca.pem' });
    expect(parseTargetUrl('postgres://u@h/db?sslmode=require&sslrootcert=/ca.pem').tls.mode).toBe('require');
  });

  it('maps MySQL ssl-mode names and libpq allow', () => {
    expect(parseTargetUrl('mysql://u@h/db?ssl-mode=VERIFY_IDENTITY').tls.mode).toBe('verify-full');
    expect(parseTargetUrl('mariadb://u@h/db?ssl-mode=required').tls.mode).toBe('require');
    expect(parseTargetUrl('mysql://u@h/db?ssl-mode=DISABLED').tls.mode).toBe('disable');
    expect(parseTargetUrl('postgres://u@h/db?sslmode=allow').tls.mode).toBe('prefer');
    expect(parseTargetUrl('postgres://u@h/db?ssl=true').tls.mode).toBe('require');
  });

  it('reads users, IPv6 hosts, ports and a Redis db path (ignored: every db is copied)', () => {
    expect(parseTargetUrl('redis://default:tok@[::1]:7000/3')).toMatchObject({ host: '::1', port: 7000, user: 'default', password: 'tok', database: null });
    expect(parseTargetUrl('rediss://:only-password@h')).toMatchObject({ user: null, password: 'only-password' });
    expect(parseTargetUrl('postgres://h')).toMatchObject({ user: null, password: null, database: null });
    expect(parseTargetUrl('postgres://u:p@with@at@h/db')).toMatchObject({ password: 'p@with@at', host: 'h' });
  });

  it('refuses what it cannot use, naming the problem without the password', () => {
    expect(bad('ftp://u:pw1@h/x').code).toBe('BAD_URL');
    expect(bad('ftp://u:pw1@h/x').message).not.toContain('pw1');
    expect(bad('postgres://u:pw2@h:99999/x').message).toContain('bad port');
    expect(bad('postgres://u:pw3@h/x?sslmode=maybe').hint).toContain('verify-full');
    expect(bad('postgres://u:pw4@h/x?application_name=z').message).toContain('unknown parameter "application_name"');
    expect(bad('redis://h?sslmode=require').hint).toContain('rediss://');
    expect(bad('rediss://h?sslmode=disable').code).toBe('BAD_URL');
    expect(bad('postgres://u:%zz@h/x').message).toContain('password');
    for (const text of ['postgres://u:pw2@h:99999/x', 'postgres://u:pw3@h/x?sslmode=maybe', 'postgres://u:%zz@h/x']) {
      const e = bad(text);
      expect(`${e.message} ${e.hint}`).not.toMatch(/pw2|pw3|%zz/);
    }
  });
});

describe('maskUrl', () => {
  it('hides the password in the userinfo and in password parameters, and leaves the rest', () => {
    expect(maskUrl('mysql://admin:hunter2@db:3306/shop?ssl-mode=REQUIRED')).toBe('mysql://admin:***@db:3306/shop?ssl-mode=REQUIRED');
    expect(maskUrl('rediss://:tok@cache:6379')).toBe('rediss://:***@cache:6379');
    expect(maskUrl('postgres://u@h/db?password=x&sslmode=require')).toBe('postgres://u@h/db?password=***&sslmode=require');
    expect(maskUrl('postgres://h/db')).toBe('postgres://h/db');
    expect(maskUrl('not a url password=abc')).toBe('not a url password=***');
  });
});
