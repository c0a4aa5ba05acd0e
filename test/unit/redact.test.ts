import { describe, expect, it } from 'vitest';
import { isSecretName, redactSecrets } from '../../shared/inventory/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['node app.js --db-password hunter2 --port 3000', 'hunter2'],
    ['DB_PASSWORD=s3cret node server.js', 's3cret'],
    ['curl -H "Authorization: Bearer abcdefghijk123" https://example.com', 'abcdefghijk123'],
    ['mysqldump -uroot -pS3cr3tPw app', 'S3cr3tPw'],
    ['psql postgres://app:pw0rd@db.internal/app', 'pw0rd'],
    ['0 3 * * * /usr/local/bin/backup --token=abc123 > /dev/null', 'abc123'],
    ['node server.js --api-key=SEEKRET', 'SEEKRET'],
    ['node /usr/lib/pm2/ProcessContainer.js --env {"API_SECRET": "s3kr1t\\"x", "PORT": "3000"}', 's3kr1t'],
  ])('masks the secret in %s', (line, value) => {
    const out = redactSecrets(line);
    expect(out).not.toContain(value);
    expect(out).toContain('***');
  });

  it('keeps what is not secret', () => {
    expect(redactSecrets('node server.js --port=3000 -p 8080')).toBe('node server.js --port=3000 -p 8080');
    expect(redactSecrets('nginx: master process /usr/sbin/nginx -g daemon on;')).toBe('nginx: master process /usr/sbin/nginx -g daemon on;');
  });

  it('recognises secret-looking names', () => {
    for (const n of ['DB_PASSWORD', 'JWT_SECRET', 'STRIPE_API_KEY', 'GITHUB_TOKEN', 'SESSION_KEY', 'DATABASE_URL']) expect(isSecretName(n)).toBe(true);
    for (const n of ['PORT', 'NODE_ENV', 'REDIS_HOST', 'LOG_LEVEL']) expect(isSecretName(n)).toBe(false);
  });
});
