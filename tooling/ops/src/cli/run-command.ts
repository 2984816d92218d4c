import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Thrown for a bad command line; the runner prints it with the usage text and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses argv with node's own parser; unknown options become a UsageError. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A number option: `fallback` when absent, a UsageError when not a number ≥ `min`. */
export function numberOption(value: string | undefined, fallback: number, name: string, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

/**
 * Runs a command's main function: its resolved number is the exit code; a UsageError prints `usage` and exits 2;
 * any other error prints its message and exits 1.
 *
 * @example
 * runCommand('Usage: health [--json]', () => runHealthCommand(process.argv.slice(2)));
 */
export function runCommand(usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n\n${usage}`);
        process.exitCode = 2;
        return;
      }
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
