#!/usr/bin/env node
// The bin is this committed file rather than dist/cli/index.js so that pnpm can link it on a fresh clone, before
// anything is built (linking a missing file printed "Failed to create bin" on every install).
import { runModelsCli } from '../dist/cli/index.js';

process.exitCode = await runModelsCli(process.argv.slice(2), process.env);
