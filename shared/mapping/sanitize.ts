/**
 * Free text read off a box (command lines, crontab lines, URLs) passes through here before it
 * reaches a design or an export: secret-looking values are masked again (an inventory made by
 * an older probe, or edited by hand, may hold some) and URL user-info is dropped entirely,
 * since a token often sits in the user part alone (https://TOKEN@github.com/…).
 */

import { redactSecrets } from '../inventory/redact.js';

export function safeText(text: string): string {
  return redactSecrets(text).replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1');
}
