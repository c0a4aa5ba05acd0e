/**
 * Secret hygiene for anything read off a box: names that look like secrets, and values in
 * command lines, crontab lines and URLs that must be masked before anything is stored or shown.
 */

export const REDACTED = '***';

const SECRET_NAME = /(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth|signing|salt|session[_-]?key|dsn|database_url|redis_url|mongo(db)?_ur[il]|amqp_url|webhook)/i;

/** A variable or option name that probably holds a secret (DB_PASSWORD, STRIPE_KEY, JWT_SECRET…). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || /(^|_)key$/i.test(name);
}

/**
 * Masks secret-looking values in free text: credentials in URLs (scheme://user:pass@),
 * NAME=value / --name=value / --name value pairs whose name looks secret, `-pVALUE` (mysql),
 * and `Authorization: Bearer …` style headers.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`)
    .replace(/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
    .replace(/((?:^|[\s'"])-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s'"]+)/g, (all, head: string, name: string) =>
      isSecretName(name) ? `${head}${REDACTED}` : all,
    )
    .replace(/((?:^|\s)--?([A-Za-z][A-Za-z0-9_-]*)\s+)(?!-)("[^"]*"|'[^']*'|\S+)/g, (all, head: string, name: string) =>
      isSecretName(name) ? `${head}${REDACTED}` : all,
    )
    .replace(/("([A-Za-z_][A-Za-z0-9_.-]*)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^\s,}]+)/g, (all, head: string, name: string) =>
      isSecretName(name) ? `${head}"${REDACTED}"` : all,
    )
    .replace(/((?:^|\s)-p)(?!\s)\S+/g, `$1${REDACTED}`);
}
