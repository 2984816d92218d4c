#!/usr/bin/env node
/** Entry point of `pnpm chats`: export a user's chats to a file and import export files. */
import { runCli } from './run-cli.js';
import { CHATS_USAGE, runChatsCommand } from './chats-command.js';

await runCli(CHATS_USAGE, () => runChatsCommand(process.argv.slice(2)));
