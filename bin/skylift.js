#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript; `npm ci` builds it (prepare script).
import '../dist/electron/cli/main.js';
