import * as v from 'valibot';
import { CursorSchema, IdSchema, TimestampSchema, pageSchema, queryInt } from './common.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { MESSAGE_ROLES } from './message.js';

/**
 * How `GET /api/chat/search` matches: `words` (full text), `meaning` (nearest vectors, for users who turned search by
 * meaning on), `fused` (both, by reciprocal rank). Unset: `fused` for a user who turned meaning search on, else `words`.
 */
export const SEARCH_MODES = ['words', 'meaning', 'fused'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** `GET /api/chat/search` query. Any text is a valid `q`: it is matched as words, never as FTS syntax. */
export function searchQuerySchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    q: v.pipe(v.string(), v.trim(), v.minLength(1, 'Query is empty'), v.maxLength(limits.maxQueryLength)),
    limit: v.optional(queryInt(1, limits.maxPageSize)),
    cursor: v.optional(CursorSchema),
    mode: v.optional(v.picklist(SEARCH_MODES, 'mode must be words, meaning or fused')),
  });
}
export const SearchQuerySchema = searchQuerySchema();
export type SearchQuery = v.InferOutput<typeof SearchQuerySchema>;

/**
 * One search hit. `snippet` is plain text (never HTML); `highlights` are `[start, end)` UTF-16 offsets
 * into `snippet` of the matched terms, so a client can mark them without parsing markup.
 */
export const SearchHitSchema = v.object({
  message_id: IdSchema,
  session_id: IdSchema,
  session_title: v.string(),
  role: v.picklist(MESSAGE_ROLES),
  snippet: v.string(),
  highlights: v.array(v.tuple([v.number(), v.number()])),
  created_at: TimestampSchema,
  rank: v.number(),
});
export type SearchHit = v.InferOutput<typeof SearchHitSchema>;

export const SearchPageSchema = pageSchema(SearchHitSchema);
