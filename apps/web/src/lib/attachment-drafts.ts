/**
 * The composer's attachments as a pure reducer: each file the person added, from the check before upload through
 * the upload's progress to the stored attachment (indexing, ready) or its error; then sent with a message.
 */
import type { FileFacts } from './attachment-check.js';
import type { AttachmentSummary } from './attachment-types.js';

/** A chip's state: uploading (with progress), indexing (stored, being embedded), ready, or error (with its sentence). */
export type DraftState = 'uploading' | 'indexing' | 'ready' | 'error';

/** One file in the composer. */
export interface AttachmentDraft {
  /** Local key; the stored id is `summary.id` once uploaded. */
  key: string;
  name: string;
  size: number;
  mime: string;
  state: DraftState;
  /** Upload progress 0..1 while uploading. */
  progress: number;
  /** Why it failed or was refused: shown as written. */
  error: string | null;
  summary: AttachmentSummary | null;
}

/** What happens to the composer's attachments. */
export type DraftEvent =
  | { type: 'added'; key: string; file: FileFacts }
  | { type: 'refused'; key: string; file: FileFacts; message: string }
  | { type: 'progress'; key: string; loaded: number; total: number }
  | { type: 'uploaded'; key: string; summary: AttachmentSummary }
  | { type: 'failed'; key: string; message: string }
  | { type: 'refreshed'; summary: AttachmentSummary }
  | { type: 'removed'; key: string }
  | { type: 'sent' }
  | { type: 'restored'; drafts: readonly AttachmentDraft[] }
  /** Files uploaded before (another page, before a reload) and not sent, put back in the composer. */
  | { type: 'resumed'; files: readonly { key: string; summary: AttachmentSummary }[] };

/** The message shown on a stored file whose indexing failed when the summary carries no reason of its own. */
export const INDEX_FAILED = 'The file was stored but could not be read for the chat. Remove it and attach it again.';

/** A chunked file whose vectors could not be made still takes part by words: the chip says why, and it is sent. */
function indexFailure(summary: AttachmentSummary): string {
  const reason = summary.index?.reason;
  return summary.chunked && reason ? `Found by words only for now: ${reason}` : INDEX_FAILED;
}

function fromSummary(key: string, summary: AttachmentSummary): AttachmentDraft {
  return {
    key,
    name: summary.name,
    size: summary.size,
    mime: summary.mime,
    state: summary.state,
    progress: 1,
    error: summary.state === 'error' ? indexFailure(summary) : null,
    summary,
  };
}

function update(
  drafts: readonly AttachmentDraft[],
  match: (d: AttachmentDraft) => boolean,
  change: (d: AttachmentDraft) => AttachmentDraft,
): readonly AttachmentDraft[] {
  let changed = false;
  const next = drafts.map((d) => {
    if (!match(d)) return d;
    changed = true;
    return change(d);
  });
  return changed ? next : drafts;
}

/**
 * The attachments after `event`; the same array when nothing changed (so signals stay quiet).
 *
 * @example
 * applyDraftEvent([], { type: 'added', key: 'f1', file: { name: 'a.md', type: 'text/markdown', size: 10 } })
 */
export function applyDraftEvent(drafts: readonly AttachmentDraft[], event: DraftEvent): readonly AttachmentDraft[] {
  switch (event.type) {
    case 'added':
    case 'refused': {
      const { key, file } = event;
      const refused = event.type === 'refused';
      const draft: AttachmentDraft = {
        key,
        name: file.name,
        size: file.size,
        mime: file.type,
        state: refused ? 'error' : 'uploading',
        progress: 0,
        error: refused ? event.message : null,
        summary: null,
      };
      return [...drafts, draft];
    }
    case 'progress': {
      const progress = event.total > 0 ? Math.min(1, event.loaded / event.total) : 0;
      return update(
        drafts,
        (d) => d.key === event.key && d.state === 'uploading',
        (d) => ({ ...d, progress }),
      );
    }
    case 'uploaded':
      return update(
        drafts,
        (d) => d.key === event.key,
        () => fromSummary(event.key, event.summary),
      );
    case 'failed':
      return update(
        drafts,
        (d) => d.key === event.key,
        (d) => ({ ...d, state: 'error', error: event.message }),
      );
    case 'refreshed':
      return update(
        drafts,
        (d) => d.summary?.id === event.summary.id,
        (d) => fromSummary(d.key, event.summary),
      );
    case 'removed':
      return drafts.some((d) => d.key === event.key) ? drafts.filter((d) => d.key !== event.key) : drafts;
    case 'sent':
      return drafts.length ? [] : drafts;
    case 'restored':
      return [...event.drafts, ...drafts.filter((d) => !event.drafts.some((r) => r.key === d.key))];
    case 'resumed': {
      const fresh = event.files.filter((f) => !drafts.some((d) => d.summary?.id === f.summary.id));
      return fresh.length ? [...drafts, ...fresh.map((f) => fromSummary(f.key, f.summary))] : drafts;
    }
  }
}

/**
 * The unsent uploads to offer: those not sent yet (`message_id` null) and not already in the composer.
 *
 * @example
 * unsentToOffer([summaryA, summaryB], draftsWithA) // [summaryB]
 */
export function unsentToOffer(
  unsent: readonly AttachmentSummary[],
  drafts: readonly AttachmentDraft[],
): AttachmentSummary[] {
  return unsent.filter((u) => u.message_id === null && !drafts.some((d) => d.summary?.id === u.id));
}

/**
 * What the composer says of unsent uploads: one file by name, more by count.
 *
 * @example
 * unsentOfferText([a, b]) // '2 files not sent yet'
 */
export function unsentOfferText(files: readonly Pick<AttachmentSummary, 'name'>[]): string {
  if (files.length === 1) return `“${files[0]!.name}” was not sent yet`;
  return `${files.length.toLocaleString('en-US')} files not sent yet`;
}

/**
 * Stored attachments that go with the next message: uploaded, ready or still indexing, and chunked files whose
 * vectors failed (the server retrieves their parts by words).
 */
export function sendableDrafts(drafts: readonly AttachmentDraft[]): AttachmentDraft[] {
  return drafts.filter((d) => d.summary !== null && (d.state !== 'error' || d.summary.chunked));
}

/** True while a file is still uploading: the message waits for it (its id does not exist yet). */
export function uploadsPending(drafts: readonly AttachmentDraft[]): boolean {
  return drafts.some((d) => d.state === 'uploading');
}

/** Bytes on their way up: they count against the quota before the server has them. */
export function pendingBytes(drafts: readonly AttachmentDraft[]): number {
  return drafts.reduce((sum, d) => (d.state === 'uploading' ? sum + d.size : sum), 0);
}
