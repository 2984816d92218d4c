#!/usr/bin/env node
/** Entry point of `pnpm users`: manage accounts (add, passwd, list, delete). */
import { runCli } from './run-cli.js';
import { runUsersCommand, USERS_USAGE } from './users-command.js';

await runCli(USERS_USAGE, () => runUsersCommand(process.argv.slice(2)));
