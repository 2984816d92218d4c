export { runCommand, parseCommandArgs, numberOption, UsageError } from './run-command.js';
