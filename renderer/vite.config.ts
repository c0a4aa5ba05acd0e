import { defineConfig } from 'vite';

// Built into dist/renderer and loaded from disk by the Electron window (hence relative base).
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'chrome130' },
});
