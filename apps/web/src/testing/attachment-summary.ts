/** An AttachmentSummary for test fixtures. */
import type { AttachmentSummary } from '../lib/attachment-types.js';

/**
 * A stored, ready, unsent text file of 100 bytes and 25 tokens; `fields` set the rest.
 *
 * @example
 * attachmentSummary({ id: 'a1', name: 'notes.md' })
 */
export function attachmentSummary(
  fields: Pick<AttachmentSummary, 'id'> & Partial<AttachmentSummary>,
): AttachmentSummary {
  return {
    name: 'notes.md',
    mime: 'text/markdown',
    size: 100,
    sha256: 'a'.repeat(64),
    tokens: 25,
    state: 'ready',
    chunked: false,
    message_id: null,
    created_at: '2026-12-03T00:00:00.000Z',
    ...fields,
  };
}
