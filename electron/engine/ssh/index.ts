export { connect, type SshConnectOptions } from './connect.js';
export { parseDestination, type Destination } from './destination.js';
export { SshError, isSshError, type HostKeyFacts, type SshErrorCode } from './errors.js';
export type { ExecExit, ExecOptions, ExecResult, ExecStream, ExecStreamOptions } from './exec.js';
export { normalizeFingerprint, type HostKeyPolicy, type HostKeyPrompt } from './host-key-policy.js';
export { fingerprintOf, knownHostName, parseKnownHosts, readKnownHosts, type KnownHostEntry } from './known-hosts.js';
export { resolveTarget, type IdentityFileRef, type ResolvedHop, type ResolvedTarget, type TargetSpec } from './resolve-target.js';
export { SshSession } from './session.js';
