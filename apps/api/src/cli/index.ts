/** The users/keys command-line tools; `users.ts` and `keys.ts` are their entry points. */
export { runUsersCommand, USERS_USAGE } from './users-command.js';
export { runKeysCommand, KEYS_USAGE } from './keys-command.js';
export { cliDatabasePath, withCliAuth } from './open-cli-auth.js';
export { readNewPassword, promptHidden, promptLine, readLineFromStdin } from './read-secret.js';
export { CliUsageError, PromptCancelledError } from './cli-errors.js';
