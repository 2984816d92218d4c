/**
 * `messages_fts`: FTS5 external-content index over `chat_messages.content` (rowid = `chat_messages.seq`).
 * Triggers keep it in sync; it is never written directly except for FTS5 commands.
 */
export interface MessagesFtsTable {
  rowid: number;
  content: string;
  session_id: string;
  /** Hidden column named after the table, used for FTS5 commands and MATCH. */
  messages_fts: string;
  rank: number;
}
