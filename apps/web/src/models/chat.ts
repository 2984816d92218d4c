/** Actions on the open chat's turns besides sending: stop the reply, regenerate it, edit and resend a question. */
import { batch } from '@preact/signals';
import type { ChatMessage } from '@chat-studio/protocol';
import { editDraft, editingMessageId } from './chat-draft.js';
import { messages } from './messages.js';
import { busy } from './reply-status.js';
import { sendMessage } from './send-message.js';
import { currentSessionId } from './sessions.js';
import { stopStream } from './streams.js';

/** Stops the open chat's reply; the text so far stays (the server keeps it as `partial`). Other chats go on. */
export function stopReply(): void {
  stopStream(currentSessionId.value);
}

/**
 * A new reply beside `message` (a reply; or under it, a question), streamed. The old reply stays, one click away
 * on the `‹ 1 / 2 ›` control.
 */
export async function regenerate(message: ChatMessage): Promise<void> {
  if (busy.value || message.id.startsWith('local-')) return;
  const list = messages.value;
  const question = message.role === 'user' ? message : list.find((m) => m.id === message.parent_id);
  if (question?.role !== 'user') return;
  const siblings = message.role === 'assistant' ? (message.sibling_count ?? 1) : 0;
  await sendMessage(question.content, { kind: 'regenerate', messageId: message.id, question, siblings });
}

/** Starts editing a user message in place. */
export function startEdit(message: ChatMessage): void {
  batch(() => {
    editingMessageId.value = message.id;
    editDraft.value = message.content;
  });
}

/** Leaves the editor without changes. */
export function cancelEdit(): void {
  editingMessageId.value = null;
}

/**
 * Sends the edited message as a new version of it (a sibling) with a fresh reply. The old version and everything
 * after it stay stored, one click away on the `‹ 1 / 2 ›` control.
 */
export async function submitEdit(): Promise<void> {
  const id = editingMessageId.value;
  const text = editDraft.value.trim();
  if (!id || !text || busy.value) return;
  const edited = messages.value.find((m) => m.id === id);
  if (!edited) return;
  editingMessageId.value = null;
  await sendMessage(text, { kind: 'edit', messageId: id, siblings: edited.sibling_count ?? 1 });
}
