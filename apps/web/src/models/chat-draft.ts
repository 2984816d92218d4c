/** The composer's text and the inline message editor's state. */
import { signal } from '@preact/signals';

/** Text in the composer. */
export const composerDraft = signal('');
/** User message being edited in place, and its edited text. */
export const editingMessageId = signal<string | null>(null);
export const editDraft = signal('');
