/** Reading passwords for the CLI: without echo on a terminal, one line from a pipe otherwise. */
import { createInterface } from 'node:readline';
import { createInterface as createPromptInterface } from 'node:readline/promises';
import { CliUsageError, PromptCancelledError } from './cli-errors.js';

/** Reads the first line of a non-interactive stdin (`echo pw | users add alice`). */
export function readLineFromStdin(input: NodeJS.ReadableStream = process.stdin): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
    let line: string | undefined;
    rl.once('line', (l) => {
      line = l;
      rl.close();
    });
    rl.once('close', () => resolve(line));
    rl.once('error', reject);
  });
}

/**
 * Prompts on stderr and reads a line from a TTY stdin without echoing it.
 * Raw mode rather than readline's muted output, so nothing typed ever reaches the screen.
 */
export function promptHidden(
  prompt: string,
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = stdin.isRaw;
    // Echo goes off before the prompt shows, so nothing typed right after the prompt is echoed.
    stdin.setRawMode(true);
    stderr.write(prompt);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new PromptCancelledError());
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * Gets a new password: asks twice on a terminal (unless `fromStdin`), else reads one line of stdin.
 *
 * @example
 * const password = await readNewPassword({ fromStdin: args['password-stdin'] });
 */
export async function readNewPassword(options: { fromStdin?: boolean } = {}): Promise<string> {
  if (!options.fromStdin && process.stdin.isTTY) {
    const first = await promptHidden('Password: ');
    const second = await promptHidden('Repeat password: ');
    if (first !== second) throw new CliUsageError('Passwords do not match', 1);
    return first;
  }
  const line = await readLineFromStdin();
  if (line === undefined || line === '') throw new CliUsageError('No password on stdin (expected one line)', 1);
  return line;
}

/** Asks a visible question on a terminal and returns the answer. */
export async function promptLine(question: string): Promise<string> {
  const rl = createPromptInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
