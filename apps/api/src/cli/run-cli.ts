/** Shared top level of the CLI entry points: exit codes and error messages. */
import { SecurityError } from '@chat-studio/security';
import { CliUsageError, PromptCancelledError } from './cli-errors.js';

/**
 * Runs a command and exits: 0 on success, 1 for a failed operation (unknown user, taken name,
 * weak password), 2 for bad usage (with the usage text), 130 for Ctrl-C.
 */
export async function runCli(usage: string, command: () => Promise<void>): Promise<void> {
  try {
    await command();
    process.exitCode = 0;
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      if (err.exitCode === 2) process.stderr.write(`\n${usage}`);
      process.exitCode = err.exitCode;
    } else if (err instanceof PromptCancelledError) {
      process.exitCode = 130;
    } else if (err instanceof SecurityError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}

/** Formats rows as aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
