/**
 * One chat message (memoized): markdown body, speed figures, copy / edit / regenerate / read-aloud / delete actions,
 * and the `‹ 2 / 3 ›` control where a message has other versions.
 */
import { memo } from 'preact/compat';
import type { ChatMessage } from '@chat-studio/protocol';
import { cancelEdit, regenerate, startEdit, submitEdit } from '../../models/chat.js';
import { liveSpeed, streamState } from '../../models/reply-status.js';
import { editDraft } from '../../models/chat-draft.js';
import { deleteMessage, flipSibling } from '../../models/message-deletes.js';
import { readAloud, voiceAvailable } from '../../models/voice.js';
import { CopyIcon, EditIcon, RegenerateIcon, SpeakerIcon, TrashIcon } from '../icons/index.js';
import { Markdown } from '../markdown/index.js';
import { CitedParts, MessageAttachments } from '../attachments/index.js';

function formatSpeed(ttftMs: number | null, tps: number | null): string {
  const parts: string[] = [];
  if (tps !== null) parts.push(`${tps.toFixed(1)} tok/s`);
  if (ttftMs !== null) parts.push(`first token ${Math.round(ttftMs)} ms`);
  return parts.join(' · ');
}

/** Body of the reply being streamed; it alone re-renders per token. */
function StreamingBody() {
  const state = streamState.value;
  const speed = liveSpeed.value;
  const text = state?.text ?? '';
  return (
    <>
      {text ? (
        <Markdown source={text} />
      ) : (
        <p class="typing" aria-hidden="true">
          …
        </p>
      )}
      {speed && (
        <p class="message-meta" data-testid="message-speed">
          {formatSpeed(speed.timeToFirstTokenMs, speed.tokensPerSecond)}
        </p>
      )}
    </>
  );
}

function EditBox() {
  return (
    <form
      class="edit-box"
      onSubmit={(e) => {
        e.preventDefault();
        void submitEdit();
      }}
    >
      <textarea
        aria-label="Edit message"
        data-testid="edit-message"
        value={editDraft.value}
        ref={(el) => {
          if (!el || document.activeElement === el) return;
          el.focus({ preventScroll: true });
          // The whole editor in view (not half under the top of the list), buttons included.
          el.closest('form')?.scrollIntoView({ block: 'nearest' });
        }}
        onInput={(e) => (editDraft.value = e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submitEdit();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            cancelEdit();
          }
        }}
      />
      <div class="edit-actions">
        <button type="submit" class="primary">
          Save and send
        </button>
        <button type="button" onClick={cancelEdit}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** `‹ 2 / 3 ›`: the versions of a message (edits of a question, regenerated replies); flipping shows that branch. */
function BranchControl({ message, busy }: { message: ChatMessage; busy: boolean }) {
  const position = message.sibling_position ?? 1;
  const count = message.sibling_count ?? 1;
  return (
    <fieldset class="branch-control" data-testid="branch-control" aria-label={`Version ${position} of ${count}`}>
      <button
        type="button"
        class="icon"
        aria-label="Previous version"
        title="Previous version"
        disabled={busy || position <= 1}
        onClick={() => void flipSibling(message, -1)}
      >
        ‹
      </button>
      <span class="branch-position" data-testid="branch-position">
        {position} / {count}
      </span>
      <button
        type="button"
        class="icon"
        aria-label="Next version"
        title="Next version"
        disabled={busy || position >= count}
        onClick={() => void flipSibling(message, 1)}
      >
        ›
      </button>
    </fieldset>
  );
}

/** Props of {@link MessageItem}; everything is a primitive or the message object so memo can compare. */
export interface MessageItemProps {
  message: ChatMessage;
  streaming: boolean;
  focused: boolean;
  editing: boolean;
  /** A stored reply: offers Regenerate (a new reply beside it). */
  canRegenerate: boolean;
  /** Disables actions while another reply is on its way. */
  busy: boolean;
  error: string | undefined;
}

function MessageItemView({ message, streaming, focused, editing, canRegenerate, busy, error }: MessageItemProps) {
  const isUser = message.role === 'user';
  const stored = !message.id.startsWith('local-');
  const speed = formatSpeed(message.time_to_first_token_ms, message.tokens_per_second);
  return (
    <article
      class={`message message-${message.role}${focused ? ' focused' : ''}`}
      data-testid="message"
      data-role={message.role}
      data-status={message.status}
      data-streaming={streaming ? 'true' : undefined}
      data-message-id={message.id}
      aria-label={isUser ? 'You said' : message.role === 'assistant' ? 'Assistant replied' : 'System'}
      tabIndex={-1}
    >
      <div class="message-bubble">
        {editing ? (
          <EditBox />
        ) : streaming ? (
          <StreamingBody />
        ) : isUser ? (
          <p class="user-text">{message.content}</p>
        ) : (
          <Markdown source={message.content} />
        )}
        {!editing && message.attachments?.length ? <MessageAttachments attachments={message.attachments} /> : null}
        {!streaming && message.sources?.length ? <CitedParts sources={message.sources} /> : null}
        {!streaming && error && (
          <p class="message-error" role="alert">
            {error}
          </p>
        )}
        {!streaming && message.status === 'partial' && message.finish_reason === 'abort' && (
          <p class="message-meta">Stopped.</p>
        )}
        {!streaming && message.status === 'interrupted' && (
          <p class="message-meta" data-testid="message-interrupted">
            Interrupted: the server stopped while writing this reply; this is what it had stored.
            {canRegenerate && (
              <>
                {' '}
                <button type="button" class="link" disabled={busy} onClick={() => void regenerate(message)}>
                  Regenerate
                </button>
              </>
            )}
          </p>
        )}
        {!streaming && !isUser && speed && (
          <p class="message-meta" data-testid="message-speed">
            {speed}
          </p>
        )}
      </div>
      {!streaming && !editing && (
        <div class="message-actions">
          {(message.sibling_count ?? 1) > 1 && <BranchControl message={message} busy={busy} />}
          <button
            type="button"
            class="icon"
            aria-label="Copy message"
            title="Copy"
            onClick={() => void navigator.clipboard?.writeText(message.content)}
          >
            <CopyIcon />
          </button>
          {isUser && stored && (
            <button
              type="button"
              class="icon"
              aria-label="Edit and resend"
              title="Edit and resend"
              disabled={busy}
              onClick={() => startEdit(message)}
            >
              <EditIcon />
            </button>
          )}
          {!isUser && voiceAvailable.value && (
            <button
              type="button"
              class="icon"
              aria-label="Read aloud"
              title="Read aloud"
              onClick={() => readAloud(message.content)}
            >
              <SpeakerIcon />
            </button>
          )}
          {canRegenerate && (
            <button
              type="button"
              class="icon"
              data-testid="regenerate"
              aria-label="Regenerate reply"
              title="Regenerate"
              disabled={busy}
              onClick={() => void regenerate(message)}
            >
              <RegenerateIcon />
            </button>
          )}
          {stored && (
            <button
              type="button"
              class="icon"
              data-testid="delete-message"
              aria-label="Delete message"
              title="Delete this message and everything below it"
              disabled={busy}
              onClick={() => void deleteMessage(message)}
            >
              <TrashIcon />
            </button>
          )}
        </div>
      )}
    </article>
  );
}

/** A message that re-renders only when its own props change. */
export const MessageItem = memo(MessageItemView);
