/** Prints an error the way a user can act on it (message and hint, no stack); returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    const code = (err as { code?: unknown }).code;
    process.stderr.write(`skylift: ${typeof code === 'string' ? `[${code}] ` : ''}${err.message}\n`);
    if (typeof hint === 'string' && hint) process.stderr.write(`  what to do: ${hint}\n`);
    if (process.env.SKYLIFT_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
  } else {
    process.stderr.write(`skylift: ${String(err)}\n`);
  }
  return 1;
}
