import * as v from 'valibot';

/** Formats an export can be written in: our lossless JSON (docs/export-format.md) or Markdown of current branches. */
export const EXPORT_FORMATS = ['json', 'markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * `GET /api/chat/export` and `GET /api/chat/sessions/:id/export` query. `format` defaults to `json`.
 *
 * @example
 * v.parse(ExportQuerySchema, { format: 'markdown' });
 */
export const ExportQuerySchema = v.strictObject({
  format: v.optional(v.picklist(EXPORT_FORMATS, 'format must be json or markdown')),
});
export type ExportQuery = v.InferOutput<typeof ExportQuerySchema>;

/** Import formats, detected from a file's content. */
export const IMPORT_FORMATS = ['chat-studio', 'chatgpt', 'open-webui'] as const;

const SkippedSchema = v.object({
  /** Nodes that are not messages here: empty or hidden nodes, tool calls and their output. */
  nodes: v.number(),
  /** Non-text parts (images, files, reasoning) left out. */
  parts: v.number(),
});

/** One chat of an imported file and what became of it. */
export const ImportedChatSchema = v.object({
  position: v.number(),
  title: v.string(),
  format: v.picklist(IMPORT_FORMATS),
  /** `duplicate`: the user already had this chat from an earlier import; it was not stored again. */
  status: v.picklist(['imported', 'duplicate']),
  session_id: v.string(),
  messages: v.number(),
  skipped: SkippedSchema,
});

/** The answer to `POST /api/chat/import`. */
export const ImportSummarySchema = v.object({
  chats: v.number(),
  imported: v.number(),
  duplicates: v.number(),
  messages: v.number(),
  skipped: SkippedSchema,
  items: v.array(ImportedChatSchema),
});
export type ImportSummary = v.InferOutput<typeof ImportSummarySchema>;
