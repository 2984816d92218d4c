#!/usr/bin/env node
/** Entry point of `pnpm keys`: manage API keys (create, list, revoke). */
import { runCli } from './run-cli.js';
import { KEYS_USAGE, runKeysCommand } from './keys-command.js';

await runCli(KEYS_USAGE, () => runKeysCommand(process.argv.slice(2)));
