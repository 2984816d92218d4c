/** Search by meaning over the caller's messages, and its fusion with word search by reciprocal rank. */
import type { ChatStore } from '@chat-studio/chat-store';
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import type { SearchHit } from '@chat-studio/protocol';
import { ApiError } from '../errors/index.js';
import { embedTexts, meaningModel } from './embed-texts.js';

/** Words of a message shown as a meaning hit's snippet (no terms to centre on, so its start). */
const SNIPPET_WORDS = 32;

/** The reciprocal-rank constant: 60, as in Cormack et al. (2009), damps the weight of the very first ranks. */
export const RRF_K = 60;

function snippetOf(content: string): string {
  const words = content.split(/\s+/).filter(Boolean);
  return words.length > SNIPPET_WORDS ? `${words.slice(0, SNIPPET_WORDS).join(' ')} …` : words.join(' ');
}

/**
 * The caller's messages nearest in meaning to `query`, best first, as search hits: `rank` is the cosine distance
 * (1 − similarity, lower is better, as for word search). Throws 503 when meaning search cannot run.
 */
export async function meaningSearch(
  deps: { store: ChatStore; runtime?: LlmRuntime },
  userId: string,
  query: string,
  limit: number,
): Promise<SearchHit[]> {
  const { store, runtime } = deps;
  const recorded = await store.vectors.model();
  const model = runtime && meaningModel(runtime);
  if (!runtime || !model || !recorded)
    throw new ApiError(
      'chat_unavailable',
      'Search by meaning is not available: no embedding model has embedded messages yet',
    );
  if (recorded.model !== model)
    throw new ApiError(
      'chat_unavailable',
      `Search by meaning is re-embedding messages with ${model}; try again when \`pnpm embed --status\` shows it done`,
    );
  const [vector] = await embedTexts(runtime, model, [query]);
  if (!vector) return [];
  const found = await store.vectors.search(userId, vector, { limit });
  const hits: SearchHit[] = [];
  const titles = new Map<string, string>();
  for (const f of found) {
    // Scoped by the user again: only the caller's own messages are ever read.
    const message = await store.messages.get(userId, f.message_id);
    if (!message) continue;
    let title = titles.get(message.session_id);
    if (title === undefined) {
      title = (await store.sessions.get(userId, message.session_id))?.title ?? '';
      titles.set(message.session_id, title);
    }
    hits.push({
      message_id: message.id,
      session_id: message.session_id,
      session_title: title,
      role: message.role,
      snippet: snippetOf(message.content),
      highlights: [],
      created_at: message.created_at,
      rank: 1 - f.score,
    });
  }
  return hits;
}

/**
 * Reciprocal-rank fusion of ranked lists of hits: each hit scores Σ 1/(RRF_K + position) over the lists it is in.
 * A hit in several lists keeps the first list's fields (word search's snippet with its highlights). `rank` becomes
 * the negated fused score, so lower is better as everywhere.
 */
export function fuseByRank(lists: readonly (readonly SearchHit[])[], limit: number): SearchHit[] {
  const fused = new Map<string, { hit: SearchHit; score: number }>();
  for (const list of lists)
    list.forEach((hit, i) => {
      const entry = fused.get(hit.message_id) ?? { hit, score: 0 };
      entry.score += 1 / (RRF_K + i + 1);
      fused.set(hit.message_id, entry);
    });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ hit, score }) => ({ ...hit, rank: -score }));
}
