import type { Command } from 'commander';
import { knownHostsPath } from '../engine/paths.js';
import type { HostKeyPolicy, SshConnectOptions } from '../engine/ssh/index.js';
import { ask, interactive } from './prompt.js';

export interface SshFlags {
  identity?: string[];
  jump?: string;
  knownHosts?: string;
  acceptNew?: boolean;
  hostKey?: string;
  sshConfig?: string;
  password?: boolean;
  connectTimeout?: string;
}

/** The SSH options every command that reaches a box takes (inventory, data copy, apply…). */
export function addSshOptions(cmd: Command): Command {
  return cmd
    .option('-i, --identity <file...>', 'private key file(s) to try (OpenSSH, PEM or PKCS#8; ed25519, RSA, ECDSA)')
    .option('-J, --jump <host>', 'jump host(s), as ssh -J: [user@]host[:port][,…]')
    .option('--known-hosts <file>', "Skylift's known-hosts file (default: in the data directory)")
    .option('--accept-new', 'trust a host key seen for the first time (like OpenSSH accept-new)')
    .option('--host-key <fingerprint>', 'the SHA256:… fingerprint the box must present')
    .option('--ssh-config <file>', 'OpenSSH client config to honour (default ~/.ssh/config)')
    .option('--password', 'log in with a password, asked on the terminal')
    .option('--connect-timeout <seconds>', 'give up connecting after this long', '20');
}

function hostKeyPolicy(flags: SshFlags): HostKeyPolicy {
  if (flags.hostKey) return { mode: 'pinned', fingerprint: flags.hostKey };
  if (flags.acceptNew) return { mode: 'accept-new' };
  if (!interactive()) return { mode: 'strict' };
  return {
    mode: 'ask',
    confirm: async (p) => {
      const answer = await ask(
        `The authenticity of ${p.label} can't be established.\n${p.keyType} key fingerprint is ${p.fingerprint}.\n` +
          'Compare it with the fingerprint your provider shows for the box. Trust it and continue (yes/no)? ',
      );
      return /^y(es)?$/i.test(answer.trim());
    },
  };
}

export async function sshConnectOptions(destination: string, flags: SshFlags): Promise<SshConnectOptions> {
  const password = flags.password ? await ask(`Password for ${destination}: `, { hidden: true }) : undefined;
  const seconds = Number(flags.connectTimeout);
  return {
    destination,
    identityFiles: flags.identity,
    jump: flags.jump,
    sshConfigPath: flags.sshConfig,
    knownHostsPath: flags.knownHosts ?? knownHostsPath(),
    hostKeyPolicy: hostKeyPolicy(flags),
    password,
    askPassphrase: interactive() ? (key) => ask(`Passphrase for ${key}: `, { hidden: true }) : undefined,
    connectTimeoutMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
  };
}
