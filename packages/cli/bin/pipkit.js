#!/usr/bin/env node
// The installed `pipkit` command: runs the built CLI. From the repository, `pnpm pipkit` runs the
// TypeScript source instead.
import '../dist/main.js';
