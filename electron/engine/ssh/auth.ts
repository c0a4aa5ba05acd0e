import { access, readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthHandlerMiddleware, AuthenticationType, ParsedKey } from 'ssh2';
import { SshError } from './errors.js';
import { pkcs8AsPem } from './pkcs8-key.js';
import type { IdentityFileRef } from './resolve-target.js';

const { utils } = ssh2;

export interface Credentials {
  user: string;
  identityFiles: IdentityFileRef[];
  /** ssh-agent socket, or null for none. */
  agent: string | null;
  password?: string;
  /** Tried on every encrypted key file. */
  passphrase?: string;
  /** Asked for an encrypted key the passphrase (if any) did not open; resolve undefined to skip it. */
  askPassphrase?: (keyDisplay: string) => Promise<string | undefined>;
}

/** What authentication did, for an error message that says what was tried. */
export interface AuthReport {
  tried: string[];
  skipped: string[];
  locked: { display: string; wrongPassphrase: boolean }[];
  serverMethods: string[] | null;
}

/** A key named with -i must exist: a typo should not silently fall back to other keys. */
export async function checkOptionIdentities(files: IdentityFileRef[]): Promise<void> {
  for (const f of files.filter((f) => f.source === 'option')) {
    await access(f.path).catch((err: NodeJS.ErrnoException) => {
      throw new SshError('CONFIG', `identity file ${f.display} cannot be read (${err.code ?? err.message})`, 'check the path given with -i/--identity', { cause: err });
    });
  }
}

const encryptedKeyError = (err: Error): boolean => /passphrase/i.test(err.message);

/** The file's first key; PKCS#8 files are re-encoded first (ssh2 does not read that form). */
function firstKey(data: Buffer, passphrase: string | undefined): ParsedKey | Error {
  const pem = pkcs8AsPem(data, passphrase);
  if (pem instanceof Error) return pem;
  const parsed = pem ? utils.parseKey(pem) : utils.parseKey(data, passphrase);
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('no key in file')) : parsed;
}

async function loadKey(f: IdentityFileRef, creds: Credentials, report: AuthReport): Promise<ParsedKey | null> {
  let data: Buffer;
  try {
    data = await readFile(f.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Default and config keys that do not exist are normal (OpenSSH skips them too).
    if (code !== 'ENOENT' || f.source === 'option') report.skipped.push(`${f.display} (${code ?? 'unreadable'})`);
    return null;
  }
  let key = firstKey(data, creds.passphrase);
  let triedPassphrase = creds.passphrase !== undefined;
  if (key instanceof Error && encryptedKeyError(key) && creds.askPassphrase) {
    const asked = await creds.askPassphrase(f.display);
    if (asked !== undefined) {
      key = firstKey(data, asked);
      triedPassphrase = true;
    }
  }
  if (key instanceof Error) {
    if (encryptedKeyError(key)) report.locked.push({ display: f.display, wrongPassphrase: triedPassphrase });
    else report.skipped.push(`${f.display} (${key.message})`);
    return null;
  }
  if (!key.isPrivateKey()) {
    report.skipped.push(`${f.display} (not a private key)`);
    return null;
  }
  return key;
}

type Step = (allowed: AuthenticationType[]) => Promise<{ method: AnyAuthMethod; label: string } | null>;

/**
 * OpenSSH's order: `none` (to learn what the server accepts), keys named with -i, the agent,
 * then the other key files, then password. Keys are read only when their turn comes.
 */
export function createAuthHandler(creds: Credentials): { handler: AuthHandlerMiddleware; report: AuthReport } {
  const report: AuthReport = { tried: [], skipped: [], locked: [], serverMethods: null };
  const username = creds.user;
  const keyStep =
    (f: IdentityFileRef): Step =>
    async (allowed) => {
      if (!allowed.includes('publickey')) return null;
      const key = await loadKey(f, creds, report);
      return key && { method: { type: 'publickey', username, key }, label: `publickey (${f.display})` };
    };
  const steps: Step[] = creds.identityFiles.filter((f) => f.source === 'option').map(keyStep);
  const { agent, password } = creds;
  if (agent) steps.push(async (allowed) => (allowed.includes('publickey') ? { method: { type: 'agent', username, agent }, label: 'agent' } : null));
  steps.push(...creds.identityFiles.filter((f) => f.source !== 'option').map(keyStep));
  if (password !== undefined) {
    steps.push(async (allowed) => (allowed.includes('password') ? { method: { type: 'password', username, password }, label: 'password' } : null));
    steps.push(async (allowed) =>
      !allowed.includes('password') && allowed.includes('keyboard-interactive')
        ? {
            label: 'keyboard-interactive (password)',
            method: {
              type: 'keyboard-interactive',
              username,
              // Answer a lone hidden password prompt only; never send the password to an OTP question.
              prompt: (_name, _instructions, _lang, prompts, finish) =>
                finish(prompts.length === 1 && !prompts[0]?.echo && /password/i.test(prompts[0]?.prompt ?? '') ? [password] : []),
            },
          }
        : null,
    );
  }

  let next = 0;
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, callback) => {
    // ssh2 passes null before the first attempt (its typings say otherwise).
    if (methodsLeft === null) return callback({ type: 'none', username });
    report.serverMethods = methodsLeft;
    void (async () => {
      while (next < steps.length) {
        const step = await (steps[next++] as Step)(methodsLeft);
        if (step) {
          report.tried.push(step.label);
          return callback(step.method);
        }
      }
      // `false` ends authentication with 'All configured authentication methods failed'.
      callback(false as unknown as AuthenticationType);
    })().catch(() => {
      // The connection ended while a key was being read; the handshake reports why.
    });
  };
  return { handler, report };
}

/** AUTH or KEY_PASSPHRASE, saying what was tried and what the server accepts. */
export function authFailure(label: string, report: AuthReport): SshError {
  const tried = report.tried.filter((t) => t !== 'none');
  const parts = [tried.length ? `tried: ${tried.join(', ')}` : 'no credentials to try (no key file, no ssh-agent, no password)'];
  if (report.skipped.length) parts.push(`skipped: ${report.skipped.join(', ')}`);
  if (report.serverMethods) parts.push(`the server accepts: ${report.serverMethods.join(', ')}`);
  const locked = report.locked[0];
  if (locked) {
    const what = locked.wrongPassphrase ? `the passphrase for ${locked.display} is wrong` : `${locked.display} is encrypted and no passphrase was given`;
    return new SshError('KEY_PASSPHRASE', `cannot log in to ${label}: ${what}; ${parts.join('; ')}`, `give the key's passphrase, or load the key into ssh-agent (ssh-add ${locked.display}) and run again`);
  }
  return new SshError(
    'AUTH',
    `authentication failed for ${label}; ${parts.join('; ')}`,
    'check the user name, that your public key is in ~/.ssh/authorized_keys of that user on the box, or give another key (-i) or the password',
  );
}
