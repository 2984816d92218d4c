/**
 * Imports an export file into a user's chats: first the whole file is read and checked (so a bad file stores
 * nothing), then each chat is stored in its own transaction. Memory holds one chat at a time.
 */
import type { ChatStore } from '../chat-store.js';
import { readChats } from './read-chats.js';
import type { ImportChatResult } from '../contract/transfer-repository.js';
import type { SkippedCounts, TransferFormat } from './transfer-types.js';

export interface ImportChatsOptions {
  /** Opens the file from its start; called twice (check, then store). */
  open(): AsyncIterable<Uint8Array | string>;
  /** Called as the file is read: which pass, bytes of this pass so far, chats so far. */
  onProgress?(progress: ImportProgress): void;
  /** Refuse a file larger than this many bytes. Defaults to no limit. */
  maxBytes?: number;
}

export interface ImportProgress {
  phase: 'checking' | 'importing';
  bytes: number;
  chats: number;
}

/** One chat of the file and what became of it. */
export interface ImportedChat {
  position: number;
  title: string;
  format: TransferFormat;
  status: ImportChatResult['status'];
  session_id: string;
  /** Messages stored (0 for a duplicate). */
  messages: number;
  skipped: SkippedCounts;
}

/** What an import did, chat by chat and in total. */
export interface ImportSummary {
  /** Chats in the file. */
  chats: number;
  imported: number;
  /** Chats the user already had from an earlier import of the same source; not stored again. */
  duplicates: number;
  messages: number;
  skipped: SkippedCounts;
  items: ImportedChat[];
}

/**
 * Checks the whole file, then stores its chats for `userId`, one transaction each. A chat already imported
 * (same format and source id) is skipped and reported as a duplicate.
 *
 * @example
 * const summary = await importChats(store, userId, { open: () => createReadStream('conversations.json') });
 * @throws ImportFormatError (nothing stored) when any chat of the file cannot be read.
 */
export async function importChats(
  store: ChatStore,
  userId: string,
  options: ImportChatsOptions,
): Promise<ImportSummary> {
  let phase: ImportProgress['phase'] = 'checking';
  let bytes = 0;
  let chats = 0;
  const report = () => options.onProgress?.({ phase, bytes, chats });
  const read = () =>
    readChats(options.open(), {
      maxBytes: options.maxBytes,
      onProgress: (n) => {
        bytes = n;
        report();
      },
    });
  for await (const _ of read()) {
    chats++;
    report();
  }

  const summary: ImportSummary = {
    chats: 0,
    imported: 0,
    duplicates: 0,
    messages: 0,
    skipped: { nodes: 0, parts: 0 },
    items: [],
  };
  phase = 'importing';
  bytes = 0;
  chats = 0;
  for await (const { chat, position } of read()) {
    const result = await store.transfer.importChat(userId, chat);
    chats++;
    report();
    const messages = result.status === 'imported' ? result.messages : 0;
    summary.items.push({
      position,
      title: chat.title,
      format: chat.format,
      status: result.status,
      session_id: result.session_id,
      messages,
      skipped: chat.skipped,
    });
    summary.chats++;
    if (result.status === 'imported') {
      summary.imported++;
      summary.messages += messages;
      summary.skipped.nodes += chat.skipped.nodes;
      summary.skipped.parts += chat.skipped.parts;
    } else summary.duplicates++;
  }
  if (summary.messages > 0) await store.transfer.afterImport?.(summary.messages);
  return summary;
}

/** One line per chat and a total, for the command line and logs. */
export function describeImport(summary: ImportSummary): string {
  const lines = summary.items.map((item) => {
    const what = item.status === 'imported' ? `imported, ${item.messages} messages` : 'already imported, skipped';
    const skipped =
      item.status === 'imported' && item.skipped.nodes + item.skipped.parts > 0
        ? `; left out ${skippedText(item.skipped)}`
        : '';
    return `#${item.position} ${JSON.stringify(item.title)} (${item.format}): ${what}${skipped}`;
  });
  const total = `${summary.imported} of ${summary.chats} chats imported (${summary.messages} messages), ${summary.duplicates} already there`;
  const left = summary.skipped.nodes + summary.skipped.parts > 0 ? `; left out ${skippedText(summary.skipped)}` : '';
  return `${[...lines, `${total}${left}`].join('\n')}\n`;
}

function skippedText(skipped: SkippedCounts): string {
  return `${skipped.nodes} empty, hidden or tool node${skipped.nodes === 1 ? '' : 's'} and ${skipped.parts} non-text part${skipped.parts === 1 ? '' : 's'}`;
}
