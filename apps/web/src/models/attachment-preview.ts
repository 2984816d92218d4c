/** The attachment preview: which file is open (and at which part), and its extracted text once loaded. */
import { signal } from '@preact/signals';
import type { AttachmentText } from '../lib/attachment-types.js';
import { fetchAttachmentText } from '../lib/attachments-api.js';
import { attachmentErrorText } from './attachments.js';

/** What to preview: a file, and optionally the part (chunk ordinal) to scroll to. */
export interface PreviewTarget {
  id: string;
  name: string;
  ordinal: number | null;
}

/** The open preview; null when closed. */
export interface PreviewState {
  target: PreviewTarget;
  text: AttachmentText | null;
  error: string | null;
}

export const attachmentPreview = signal<PreviewState | null>(null);

/** Extracted texts already fetched: a sent file's text never changes. */
const texts = new Map<string, AttachmentText>();

/**
 * Opens the preview of `target` and loads its text (once per file).
 *
 * @example
 * void openPreview({ id: source.attachment_id, name: source.name, ordinal: source.ordinal });
 */
export async function openPreview(target: PreviewTarget): Promise<void> {
  const cached = texts.get(target.id) ?? null;
  attachmentPreview.value = { target, text: cached, error: null };
  if (cached) return;
  try {
    const text = await fetchAttachmentText(target.id);
    texts.set(target.id, text);
    if (attachmentPreview.value?.target === target) attachmentPreview.value = { target, text, error: null };
  } catch (error) {
    if (attachmentPreview.value?.target === target)
      attachmentPreview.value = { target, text: null, error: attachmentErrorText(error) };
  }
}

/** Closes the preview. */
export function closePreview(): void {
  attachmentPreview.value = null;
}
