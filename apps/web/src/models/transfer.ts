/** Export downloads and imports (file picker or drag and drop): the API does the work, this says what happened. */
import { signal } from '@preact/signals';
import type { ImportSummary } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { openSession } from './app.js';
import { loadSessions } from './sessions.js';
import { showError, showToast } from './toasts.js';

/** True while a file is being uploaded and imported. */
export const importing = signal(false);

/** Where to download every chat, or one, as our JSON or as Markdown. */
export function exportHref(format: 'json' | 'markdown', sessionId?: string): string {
  return api.exportUrl({ format, sessionId });
}

/** One sentence about an import, for a toast. */
export function importMessage(summary: ImportSummary): string {
  const parts = [`Imported ${summary.imported} of ${summary.chats} chat${summary.chats === 1 ? '' : 's'} (${summary.messages} messages)`];
  if (summary.duplicates > 0) parts.push(`${summary.duplicates} already imported before, skipped`);
  const left = summary.skipped.nodes + summary.skipped.parts;
  if (left > 0) parts.push(`left out ${summary.skipped.parts} attachment or non-text part${summary.skipped.parts === 1 ? '' : 's'} and ${summary.skipped.nodes} empty or tool node${summary.skipped.nodes === 1 ? '' : 's'}`);
  return `${parts.join('; ')}.`;
}

/**
 * Uploads an export file (ours, ChatGPT's conversations.json, Open WebUI's), reloads the chat list and opens the
 * first chat of the file. A bad file stores nothing; the toast says which chat and field.
 */
export async function importFile(file: File): Promise<ImportSummary | undefined> {
  if (importing.value) return undefined;
  importing.value = true;
  try {
    const summary = await api.importChats(file);
    await loadSessions();
    const first = summary.items[0];
    if (first) openSession(first.session_id);
    showToast({ message: importMessage(summary), timeoutMs: 10_000 });
    return summary;
  } catch (error) {
    showError(error, `Could not import ${file.name}`);
    return undefined;
  } finally {
    importing.value = false;
  }
}
