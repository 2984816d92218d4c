/**
 * The composer's attachments: the server's limits, each file's check, upload (with progress), indexing and
 * removal, and handing the stored ones to the next message. The steps are the pure reducer's events
 * ({@link applyDraftEvent}); this file does the requests.
 */
import { computed, signal } from '@preact/signals';
import { ChatApiError } from '@chat-studio/protocol';
import { checkFile } from '../lib/attachment-check.js';
import {
  applyDraftEvent,
  pendingBytes,
  sendableDrafts,
  unsentToOffer,
  type AttachmentDraft,
  type DraftEvent,
} from '../lib/attachment-drafts.js';
import type { AttachmentLimits, AttachmentSummary } from '../lib/attachment-types.js';
import {
  deleteAttachment,
  fetchAttachment,
  fetchAttachmentLimits,
  fetchUnsentAttachments,
  uploadAttachment,
} from '../lib/attachments-api.js';
import { humanError } from '../lib/error-text.js';
import { tokenMeter } from '../lib/token-meter.js';
import { activeModelId, llmStatus, models } from './models.js';
import { currentSessionId } from './sessions.js';

/** How often a file being indexed is asked about. */
export const INDEXING_POLL_MS = 1000;

/** The server's limits (`GET /api/attachments/limits`); null until loaded (or on a server without attachments). */
export const attachmentLimits = signal<AttachmentLimits | null>(null);
/** The files in the composer, in the order they were added. */
export const composerAttachments = signal<readonly AttachmentDraft[]>([]);

/** The user's uploads not sent with a message (from before a reload), as the server listed them. */
export const unsentUploads = signal<readonly AttachmentSummary[]>([]);
/** The unsent uploads the composer offers to attach or remove (those not in it already). */
export const unsentOffer = computed(() => unsentToOffer(unsentUploads.value, composerAttachments.value));
/** Why removing unsent uploads failed, in words. */
export const unsentError = signal<string | null>(null);

const uploads = new Map<string, AbortController>();
let keySeq = 0;

function dispatch(event: DraftEvent): void {
  composerAttachments.value = applyDraftEvent(composerAttachments.value, event);
}

/** Loads the limits; a server without the route leaves them null (the upload's answer then says what is wrong). */
export async function loadAttachmentLimits(): Promise<AttachmentLimits | null> {
  try {
    attachmentLimits.value = await fetchAttachmentLimits();
  } catch {
    // The server checks every upload anyway; without limits the composer just cannot warn first.
  }
  return attachmentLimits.value;
}

/** The sentence for a failed upload or request: the server's own words where it sent some. */
export function attachmentErrorText(error: unknown): string {
  return error instanceof ChatApiError ? error.message : humanError(error);
}

/**
 * Adds files (dropped, pasted or picked): each is checked against the limits, refused with a sentence, or
 * uploaded with its progress on its chip.
 *
 * @example
 * await addFiles(input.files);
 */
export async function addFiles(files: Iterable<File>): Promise<void> {
  const list = [...files];
  if (list.length === 0) return;
  const limits = attachmentLimits.value ?? (await loadAttachmentLimits());
  const started: Promise<void>[] = [];
  for (const file of list) {
    const key = `file-${++keySeq}`;
    const refusal = limits ? checkFile(file, limits, pendingBytes(composerAttachments.value)) : null;
    if (refusal) dispatch({ type: 'refused', key, file, message: refusal.message });
    else {
      dispatch({ type: 'added', key, file });
      started.push(upload(key, file));
    }
  }
  await Promise.all(started);
}

async function upload(key: string, file: File): Promise<void> {
  const controller = new AbortController();
  uploads.set(key, controller);
  try {
    const summary = await uploadAttachment(file, {
      sessionId: currentSessionId.value,
      signal: controller.signal,
      onProgress: (loaded, total) => dispatch({ type: 'progress', key, loaded, total }),
    });
    dispatch({ type: 'uploaded', key, summary });
    if (summary.state === 'indexing') watchIndexing(summary.id);
    void loadAttachmentLimits();
  } catch (error) {
    if (!controller.signal.aborted) dispatch({ type: 'failed', key, message: attachmentErrorText(error) });
  } finally {
    uploads.delete(key);
  }
}

/** Asks about a file being indexed until it is ready (or failed, or left the composer). */
function watchIndexing(id: string): void {
  setTimeout(async () => {
    if (!composerAttachments.value.some((d) => d.summary?.id === id)) return;
    try {
      const summary = await fetchAttachment(id);
      dispatch({ type: 'refreshed', summary });
      if (summary.state === 'indexing') watchIndexing(id);
    } catch {
      watchIndexing(id);
    }
  }, INDEXING_POLL_MS);
}

/** Removes a file from the composer: an upload in flight is cancelled, a stored (unsent) file deleted. */
export async function removeAttachment(key: string): Promise<void> {
  const draft = composerAttachments.value.find((d) => d.key === key);
  if (!draft) return;
  uploads.get(key)?.abort();
  dispatch({ type: 'removed', key });
  if (!draft.summary) return;
  try {
    await deleteAttachment(draft.summary.id);
    void loadAttachmentLimits();
  } catch (error) {
    // Still stored: put the chip back so the file is not silently kept against the quota.
    dispatch({ type: 'restored', drafts: [{ ...draft, error: attachmentErrorText(error) }] });
  }
}

/** Takes the stored files for the message being sent (the composer empties); `restoreAttachments` puts them back. */
export function takeAttachments(): { ids: string[]; summaries: AttachmentSummary[]; drafts: AttachmentDraft[] } {
  const drafts = sendableDrafts(composerAttachments.value);
  dispatch({ type: 'sent' });
  const summaries = drafts.flatMap((d) => (d.summary ? [d.summary] : []));
  return { ids: summaries.map((s) => s.id), summaries, drafts };
}

/** Puts files back in the composer after a send that stored nothing. */
export function restoreAttachments(drafts: readonly AttachmentDraft[]): void {
  if (drafts.length) dispatch({ type: 'restored', drafts });
}

/** Lists the unsent uploads; a server without the listing leaves none (nothing to offer). */
export async function loadUnsentUploads(): Promise<void> {
  try {
    unsentUploads.value = (await fetchUnsentAttachments()).items;
  } catch {
    // Older server: uploads not sent are simply not offered again.
  }
}

/** Puts the offered unsent uploads in the composer, to go with the next message. */
export function attachUnsent(): void {
  const offered = unsentOffer.value;
  if (!offered.length) return;
  dispatch({ type: 'resumed', files: offered.map((summary) => ({ key: `file-${++keySeq}`, summary })) });
  unsentUploads.value = unsentUploads.value.filter((u) => !offered.includes(u));
  unsentError.value = null;
  for (const summary of offered) if (summary.state === 'indexing') watchIndexing(summary.id);
}

/** Deletes the offered unsent uploads; one that fails stays offered, with the reason. */
export async function removeUnsent(): Promise<void> {
  const offered = unsentOffer.value;
  unsentError.value = null;
  const results = await Promise.allSettled(offered.map((u) => deleteAttachment(u.id)));
  const gone = new Set<string>();
  results.forEach((r, i) => {
    const id = offered[i]!.id;
    // Already gone (another tab removed or sent it) is what was asked for.
    if (r.status === 'fulfilled' || (r.reason instanceof ChatApiError && r.reason.status === 404)) gone.add(id);
    else unsentError.value = attachmentErrorText(r.reason);
  });
  unsentUploads.value = unsentUploads.value.filter((u) => !gone.has(u.id));
  if (gone.size) void loadAttachmentLimits();
}

/**
 * The active model's context in tokens: the status's `context_size` where the server reports the loaded
 * context, else the model file's trained `context_length`; null when neither is known.
 */
export const contextSize = computed<number | null>(() => {
  const status: object | null = llmStatus.value;
  if (status && 'context_size' in status && typeof status.context_size === 'number') return status.context_size;
  const model = models.value.find((m) => m.id === activeModelId.value);
  return model?.context_length ?? null;
});

/** The composer's token meter over its stored files; null when there are none. */
export const attachmentMeter = computed(() => {
  const files = composerAttachments.value.flatMap((d) =>
    d.summary && d.state !== 'error' ? [{ name: d.name, tokens: d.summary.tokens, chunked: d.summary.chunked }] : [],
  );
  return files.length ? tokenMeter(files, contextSize.value) : null;
});
