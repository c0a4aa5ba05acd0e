import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
// electron-builder's own validation (the one `electron-builder` runs before packaging), against its scheme.json.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
};
const validate = (config: unknown) => validateConfiguration(config, { isEnabled: false, add: () => undefined });

describe('electron-builder.yml', async () => {
  const config = parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

  it("passes electron-builder's own schema", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
    // The check is real: a misplaced option fails it.
    await expect(validate({ ...config, linux: { ...config.linux, dmgTitle: 'x' } })).rejects.toThrow(/Invalid configuration object/);
    await expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNode: 'no' } })).rejects.toThrow(/Invalid configuration object/);
  });

  it('builds AppImage and deb, dmg, and nsis', () => {
    expect([config.linux.target, config.mac.target, config.win.target]).toEqual([['AppImage', 'deb'], 'dmg', 'nsis']);
  });

  it('turns RunAsNode off and asar integrity on', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false });
    expect(config.asar).toBe(true);
  });

  it('packages the built app that package.json names as main', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/electron/main/main.js');
    expect(config.files).toContain('dist/**');
    expect(pkg.scripts.dist).toMatch(/build:app.*electron-builder/);
  });
});
