/** Argument parsing and the run loop shared by the ops commands. */
export { runCommand, parseCommandArgs, numberOption, UsageError } from './run-command.js';
