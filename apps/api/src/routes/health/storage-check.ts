/** The storage part of `/health`: can requests read and write, and is the search index ours? Cached briefly. */
import { REBUILD_FTS_COMMAND, type ChatStore, type StorageProbe } from '@chat-studio/chat-store';
import type { HealthResponse } from '@chat-studio/protocol';

/** How long one probe answers `/health`: a monitor polling every second costs one probe per this interval. */
export const STORAGE_CHECK_TTL_MS = 2000;

export interface StorageHealth {
  storage: NonNullable<HealthResponse['storage']>;
  searchIndex: NonNullable<HealthResponse['search_index']>;
  /** A sentence for `reason` when reads or writes would fail, else null. */
  reason: string | null;
}

async function probeOnce(store: ChatStore): Promise<StorageHealth> {
  let storage: StorageProbe;
  try {
    storage = await store.maintenance.probe();
  } catch (error) {
    storage = {
      state: 'down',
      failure: null,
      reason: `probe failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  let searchIndex: StorageHealth['searchIndex'] = { ok: true, problems: [] };
  if (storage.state !== 'down') {
    try {
      searchIndex = await store.maintenance.checkSearchIndex({ sample: 50 });
    } catch (error) {
      searchIndex = { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
    }
  }
  const indexReason = searchIndex.ok
    ? null
    : `Search index is broken (${searchIndex.problems.join('; ')}): deleting or editing messages fails and search is wrong. Fix: ${REBUILD_FTS_COMMAND}`;
  return { storage, searchIndex, reason: [storage.reason, indexReason].filter((r) => r !== null).join('; ') || null };
}

/**
 * Checks storage at most once per `ttlMs` (concurrent callers share one probe).
 *
 * @example
 * const check = storageCheck(store);
 * const { storage, reason } = await check();
 */
export function storageCheck(store: ChatStore, ttlMs = STORAGE_CHECK_TTL_MS): () => Promise<StorageHealth> {
  let cached: { at: number; value: Promise<StorageHealth> } | null = null;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= ttlMs) cached = { at: now, value: probeOnce(store) };
    return cached.value;
  };
}
