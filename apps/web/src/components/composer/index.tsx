/** Message box: Enter sends, Shift+Enter adds a line, Esc stops the reply; dictation where the browser has it. */
import { stopReply } from '../../models/chat.js';
import { busy, liveStatus, streamingMessageId } from '../../models/reply-status.js';
import { sendMessage } from '../../models/send-message.js';
import { composerDraft } from '../../models/chat-draft.js';
import { prepareWhileTyping } from '../../models/prepare.js';
import { MicIcon } from '../icons/index.js';
import { inputLimit } from '../../lib/input-limit.js';
import { limits } from '../../models/limits.js';
import { dictating, dictationSupported, toggleDictation } from '../../models/voice.js';
import { addFiles, composerAttachments } from '../../models/attachments.js';
import { uploadsPending } from '../../lib/attachment-drafts.js';
import { AttachButton, ComposerAttachments, UnsentUploads } from '../attachments/index.js';

export function Composer() {
  const draft = composerDraft.value;
  const isBusy = busy.value;
  const streaming = streamingMessageId.value !== null;
  const limit = inputLimit(draft.trim().length, limits.value.max_message_length);
  const uploading = uploadsPending(composerAttachments.value);
  return (
    <form
      class="composer"
      aria-label="Send a message"
      onSubmit={(e) => {
        e.preventDefault();
        void sendMessage();
      }}
    >
      <p class="sr-only" aria-live="polite" data-testid="stream-status">
        {liveStatus.value}
      </p>
      <UnsentUploads />
      <ComposerAttachments />
      <textarea
        id="composer"
        data-testid="composer"
        aria-label="Message"
        aria-describedby={limit.show ? 'composer-help composer-counter' : 'composer-help'}
        aria-invalid={limit.over}
        placeholder="Message Chat Studio"
        rows={1}
        value={draft}
        onInput={(e) => {
          composerDraft.value = e.currentTarget.value;
          prepareWhileTyping();
        }}
        onPaste={(e) => {
          // Pasted files (a copied file, a screenshot) are attached; pasted text goes into the box as usual.
          const files = Array.from(e.clipboardData?.files ?? []);
          if (files.length === 0) return;
          e.preventDefault();
          void addFiles(files);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void sendMessage();
          } else if (e.key === 'Escape' && isBusy) {
            e.preventDefault();
            stopReply();
          }
        }}
      />
      <span id="composer-help" class="sr-only">
        Enter sends, Shift+Enter adds a new line, Escape stops the reply.
      </span>
      {limit.show && (
        <p
          id="composer-counter"
          class={`composer-counter${limit.over ? ' over' : ''}`}
          data-testid="composer-counter"
          aria-live="polite"
        >
          {limit.message ?? `${limit.counter} characters`}
          {limit.over && <span class="sr-only"> ({limit.counter} characters)</span>}
        </p>
      )}
      <div class="composer-actions">
        <AttachButton />
        {dictationSupported.value && (
          <button
            type="button"
            class={`icon${dictating.value ? ' recording' : ''}`}
            aria-label={dictating.value ? 'Stop dictation' : 'Dictate'}
            aria-pressed={dictating.value}
            title={dictating.value ? 'Stop dictation' : 'Dictate'}
            onClick={toggleDictation}
          >
            <MicIcon size={18} />
          </button>
        )}
        {streaming ? (
          <button type="button" class="danger" data-testid="stop" onClick={stopReply}>
            Stop
          </button>
        ) : (
          <button
            type="submit"
            class="primary"
            data-testid="send"
            disabled={isBusy || !draft.trim() || limit.over || uploading}
          >
            Send
          </button>
        )}
      </div>
    </form>
  );
}
