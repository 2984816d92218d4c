/** `chats export|import`: a user's chats to a file (our JSON or Markdown) and back in (ours, ChatGPT's, Open WebUI's). */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import {
  describeImport,
  exportChatsJson,
  exportChatsMarkdown,
  importChats,
  ImportFormatError,
  type ChatStore,
  type ImportProgress,
} from '@chat-studio/chat-store';
import { LOCAL_USER, type AuthService } from '@chat-studio/security';
import { CliUsageError } from './cli-errors.js';
import { loadConfig } from '../config/index.js';
import { importAttachmentOptions } from '../routes/transfer/index.js';
import { withCliAuth } from './open-cli-auth.js';

export const CHATS_USAGE = `Usage: pnpm chats <command>

  export [--user NAME] [--session ID] [--format json|markdown] [--out FILE]
        write the user's chats (or one) as Chat Studio JSON (default; every branch, lossless)
        or as Markdown (each chat's current branch) to FILE, or to stdout
  import FILE [--user NAME]
        import Chat Studio JSON, ChatGPT's conversations.json or an Open WebUI chat export
        (detected from the content); a chat imported before is skipped, a bad file stores nothing

  --user NAME   the account (see pnpm users list); defaults to the local user of AUTH=off

Database: DATABASE_URL (postgres://…) if set, else DATABASE_PATH (default data/chat_history.db)
`;

/** A path as the user typed it: pnpm runs scripts from the repository root and says in INIT_CWD where they were. */
function fromUserCwd(file: string): string {
  return path.resolve(process.env.INIT_CWD || process.cwd(), file);
}

async function userIdOf(auth: AuthService, name: string | undefined): Promise<string> {
  return name === undefined ? LOCAL_USER.id : (await auth.getUser(name)).id;
}

/** Writes chunks to a file or stdout, waiting when the destination is full (memory stays bounded). */
async function writeAll(chunks: AsyncIterable<string>, out: string | undefined): Promise<void> {
  const target = out === undefined ? process.stdout : createWriteStream(out);
  for await (const chunk of chunks) {
    if (!target.write(chunk)) await once(target, 'drain');
  }
  if (target !== process.stdout) {
    target.end();
    await once(target, 'finish');
  }
}

async function runExport(values: Record<string, string | boolean | undefined>): Promise<void> {
  const format = (values.format as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'markdown')
    throw new CliUsageError(`--format must be json or markdown, not "${format}"`);
  const sessionId = values.session as string | undefined;
  const out = values.out === undefined ? undefined : fromUserCwd(values.out as string);
  await withCliAuth(async (auth, store) => {
    const userId = await userIdOf(auth, values.user as string | undefined);
    if (sessionId !== undefined && !(await store.sessions.get(userId, sessionId))) {
      throw new CliUsageError(`No chat ${sessionId} for this user`, 1);
    }
    const options = { sessionId };
    await writeAll(
      format === 'markdown' ? exportChatsMarkdown(store, userId, options) : exportChatsJson(store, userId, options),
      out,
    );
  });
  if (out !== undefined) process.stderr.write(`Exported to ${out}\n`);
}

/** A progress bar on a terminal; on anything else, one line when each pass ends. */
function progressReporter(totalBytes: number): { update(p: ImportProgress): void; stop(): void } {
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  if (!process.stderr.isTTY) {
    let phase: ImportProgress['phase'] | undefined;
    let last: ImportProgress | undefined;
    const done = () =>
      last &&
      process.stderr.write(
        `${last.phase === 'checking' ? 'Checked' : 'Imported'} ${last.chats} chats (${mib(last.bytes)} MiB)\n`,
      );
    return {
      update(p) {
        if (phase !== undefined && p.phase !== phase) done();
        phase = p.phase;
        last = p;
      },
      stop: () => void done(),
    };
  }
  const bar = new SingleBar({
    format: ' {phase} {bar} {percentage}% | {done}/{size} MiB | {chats} chats',
    hideCursor: true,
    stream: process.stderr,
  });
  bar.start(totalBytes, 0, { phase: 'checking ', done: '0.0', size: mib(totalBytes), chats: 0 });
  return {
    update(p) {
      bar.update(p.bytes, {
        phase: p.phase === 'checking' ? 'checking ' : 'importing',
        done: mib(p.bytes),
        chats: p.chats,
      });
    },
    stop: () => bar.stop(),
  };
}

async function runImport(file: string, user: string | undefined): Promise<void> {
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined) throw new CliUsageError(`No such file: ${file}`, 1);
  const summary = await withCliAuth(async (auth, store: ChatStore) => {
    const userId = await userIdOf(auth, user);
    const progress = progressReporter(size);
    try {
      return await importChats(store, userId, {
        open: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
        onProgress: (p) => progress.update(p),
        // The server's limits; text extracted as an upload would (tokens are counted at the first turn).
        attachments: importAttachmentOptions({ store, config: loadConfig() }),
      });
    } finally {
      progress.stop();
    }
  }).catch((error: unknown) => {
    if (error instanceof ImportFormatError)
      throw new CliUsageError(`${file}: ${error.message}. Nothing was imported.`, 1);
    throw error;
  });
  process.stdout.write(describeImport(summary));
}

/**
 * Runs one `chats` command.
 *
 * @example
 * await runChatsCommand(['import', 'conversations.json', '--user', 'alice']);
 */
export async function runChatsCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        session: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(CHATS_USAGE);
    return;
  }
  switch (command) {
    case 'export':
      if (rest.length > 0) throw new CliUsageError('chats export takes no positional arguments (use --out FILE)');
      return runExport(values);
    case 'import': {
      if (rest.length !== 1) throw new CliUsageError('chats import takes exactly one FILE');
      for (const flag of ['session', 'format', 'out'] as const)
        if (values[flag] !== undefined) throw new CliUsageError(`chats import does not take --${flag}`);
      return runImport(fromUserCwd(rest[0]!), values.user);
    }
    default:
      throw new CliUsageError(`Unknown command "${command}"`);
  }
}
