/**
 * The prompt of a turn with attachments: files that fit go whole into the user message they were sent with; the
 * parts of larger files most relevant to the question go into the new user turn, and are returned as `sources`.
 */
import type { AttachmentSource, AttachmentSummary } from '@chat-studio/protocol';
import { countFileTokens } from './count-file-tokens.js';
import { chunkBlock, fileBlock, userTurnContent } from './file-block.js';
import { retrieveChunks, type ChunkMeaningPort } from './retrieve-chunks.js';
import type { AttachmentChunkHit, AttachmentStorePort } from './store-port.js';

/** Context size assumed while the active model's is unknown (no model loaded, a remote upstream). */
export const FALLBACK_CONTEXT_TOKENS = 4096;
/** Share of what the history leaves in the context that attached text may take; the rest is the reply's. */
export const FILE_SHARE = 0.5;
/** Most chunks one turn retrieves. */
export const MAX_RETRIEVED_CHUNKS = 12;

/** A message of the branch the turn continues, with the files its user sent. */
export interface PlanMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  attachments?: AttachmentSummary[] | undefined;
}

/** What the planner reads: the store and the active model's tokenizer. */
export interface PlanDeps {
  store: Pick<AttachmentStorePort, 'text' | 'setTokens' | 'searchChunks' | 'firstChunks'>;
  /** Tokens of `text` in the active model, or null when no model can count. */
  countTokens(text: string): number | null;
  /** The active model's context per sequence, or null when unknown. */
  contextSize(): number | null;
  /** Vector rank of chunks, fused with full-text rank (`chunkMeaning`); words alone when absent. */
  meaning?: ChunkMeaningPort | undefined;
}

/** A turn's prompt and the parts of large files it holds. */
export interface PlannedTurn {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  sources: AttachmentSource[];
}

/** Tokens of `text`: the model's count, else about four characters a token. */
function tokensOf(deps: PlanDeps, text: string): number {
  return deps.countTokens(text) ?? Math.ceil(text.length / 4);
}

/** The file's token count, counted now (and stored) when no model could count it at upload. */
async function fileTokens(deps: PlanDeps, userId: string, file: AttachmentSummary, text: string): Promise<number> {
  if (file.tokens !== null) return file.tokens;
  const share = (deps.contextSize() ?? FALLBACK_CONTEXT_TOKENS) * FILE_SHARE;
  const counted = countFileTokens(deps.countTokens, text, share)?.tokens ?? null;
  if (counted !== null) await deps.store.setTokens(userId, file.id, counted);
  return counted ?? Math.ceil(text.length / 4);
}

/**
 * Plans the turn: `history` (oldest first) and the new `message` with its `attachments`. Files are taken in the
 * order they were sent while they fit in half of what the history leaves; a file that does not fit takes part by
 * retrieved chunks (or by its start, marked `truncated`, when it has none).
 */
export async function planTurn(
  deps: PlanDeps,
  request: {
    userId: string;
    history: readonly PlanMessage[];
    message: string;
    attachments: AttachmentSummary[];
    /** False: no chunks retrieved (a preload, before the question is known). Defaults to true. */
    chunks?: boolean;
  },
): Promise<PlannedTurn> {
  const { userId } = request;
  const turns: PlanMessage[] = [
    ...request.history,
    { role: 'user', content: request.message, attachments: request.attachments },
  ];
  const context = deps.contextSize() ?? FALLBACK_CONTEXT_TOKENS;
  const historyTokens = tokensOf(deps, turns.map((m) => m.content).join('\n'));
  let budget = Math.max(0, Math.floor((context - historyTokens) * FILE_SHARE));
  const blocks = turns.map((): string[] => []);
  const retrieve: AttachmentSummary[] = [];
  for (const [index, turn] of turns.entries()) {
    for (const file of turn.attachments ?? []) {
      const stored = await deps.store.text(userId, file.id);
      if (!stored) continue;
      const tokens = await fileTokens(deps, userId, file, stored.text);
      if (tokens <= budget) {
        blocks[index]?.push(fileBlock(file.name, stored.text));
        budget -= tokens;
      } else if (stored.chunks.length > 0) {
        retrieve.push(file);
      } else if (budget > 0) {
        // No chunks to choose from: the start of the file, said to be cut, beats silently leaving it out.
        const head = stored.text.slice(0, Math.floor((stored.text.length * budget) / Math.max(tokens, 1)));
        blocks[index]?.push(fileBlock(file.name, head, { truncated: true }));
        budget = 0;
      }
    }
  }
  const used = request.chunks === false ? [] : await chunksWithin(deps, userId, retrieve, request.message, budget);
  blocks[turns.length - 1]?.push(...used.map(chunkBlock));
  return {
    messages: turns.map((turn, index) => ({
      role: turn.role,
      content: userTurnContent(blocks[index] ?? [], turn.content),
    })),
    sources: used.map(toSource),
  };
}

/** The retrieved chunks, best first, as many as fit in `budget` tokens. */
async function chunksWithin(
  deps: PlanDeps,
  userId: string,
  files: readonly AttachmentSummary[],
  query: string,
  budget: number,
): Promise<AttachmentChunkHit[]> {
  if (files.length === 0) return [];
  const hits = await retrieveChunks(
    deps.store,
    {
      userId,
      attachmentIds: files.map((f) => f.id),
      query,
      limit: MAX_RETRIEVED_CHUNKS,
    },
    deps.meaning,
  );
  const used: AttachmentChunkHit[] = [];
  let left = budget;
  for (const hit of hits) {
    const tokens = tokensOf(deps, hit.text);
    if (tokens > left) continue;
    used.push(hit);
    left -= tokens;
  }
  const best = hits[0];
  if (used.length === 0 && best && budget > 0) {
    // Not even the best chunk fits (a small context): its start, as much as fits, rather than nothing.
    const keep = Math.floor((best.text.length * budget) / Math.max(tokensOf(deps, best.text), 1));
    if (keep > 0) used.push({ ...best, text: best.text.slice(0, keep), end: best.start + keep });
  }
  // In document order: parts of one file read best as they stand in it.
  return used.sort((a, b) => a.attachment_id.localeCompare(b.attachment_id) || a.ordinal - b.ordinal);
}

function toSource(hit: AttachmentChunkHit): AttachmentSource {
  return {
    attachment_id: hit.attachment_id,
    name: hit.name,
    ordinal: hit.ordinal,
    heading: hit.heading,
    page: hit.page,
    start: hit.start,
    end: hit.end,
  };
}
