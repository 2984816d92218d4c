/** Shared by the model tests: a JSON POST's fetch options, and the debug log's lines and the turns it recorded. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `fetch` options of a JSON POST of `body`. */
export const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The JSON lines of a log file. */
export const logLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The `content` of each `chat turn generated` line of the debug log: the user turn as the model was given it. */
export function turnsSent(logsDir: string): string[] {
  return logLines(path.join(logsDir, 'debug.log'))
    .filter((l) => l.msg === 'chat turn generated')
    .map((l) => (typeof l.content === 'string' ? l.content : ''));
}
