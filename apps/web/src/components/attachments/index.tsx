/**
 * Attachments in the composer and on messages: chips (name, size, state; open the preview, remove while unsent),
 * the pick button, the drop zone over the chat, the token meter, and a reply's cited parts.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { unsentOfferText, type AttachmentDraft } from '../../lib/attachment-drafts.js';
import type { AttachmentSource, AttachmentSummary } from '../../lib/attachment-types.js';
import { partLabel } from '../../lib/chunk-segments.js';
import { formatBytes } from '../../lib/file-size.js';
import { openPreview } from '../../models/attachment-preview.js';
import {
  addFiles,
  attachmentLimits,
  attachmentMeter,
  attachUnsent,
  composerAttachments,
  removeAttachment,
  removeUnsent,
  unsentError,
  unsentOffer,
} from '../../models/attachments.js';
import { CloseIcon, FileIcon, PaperclipIcon } from '../icons/index.js';

const STATE_TEXT = { uploading: 'uploading', indexing: 'indexing', ready: 'ready', error: 'error' } as const;

interface ChipProps {
  name: string;
  size: number;
  state: AttachmentDraft['state'] | 'sent';
  progress?: number;
  error?: string | null;
  /** The stored id: the chip opens its preview. */
  id: string | null;
  onRemove?: () => void;
}

function chipStatus({ state, progress = 0 }: ChipProps): string | null {
  if (state === 'sent') return null;
  if (state === 'uploading') return `uploading ${Math.round(progress * 100)}%`;
  return STATE_TEXT[state];
}

/** One file: opens its preview once stored; × removes it while unsent. */
export function AttachmentChip(props: ChipProps) {
  const { name, size, state, error, id, onRemove } = props;
  const status = chipStatus(props);
  // The visible words are the accessible name (with "Preview" before them for a screen reader).
  const content = (
    <>
      <FileIcon size={14} />
      <span class="attachment-name">{name}</span> <span class="attachment-size">{formatBytes(size)}</span>
      {status && (
        <>
          {' '}
          <span class="attachment-state" data-testid="attachment-state">
            {status}
          </span>
        </>
      )}
    </>
  );
  return (
    <li class={`attachment-chip attachment-${state}`} data-testid="attachment-chip" data-state={state}>
      {id ? (
        <button
          type="button"
          class="attachment-open"
          title={`Preview ${name}`}
          onClick={() => void openPreview({ id, name, ordinal: null })}
        >
          <span class="sr-only">Preview </span>
          {content}
        </button>
      ) : (
        <span class="attachment-open">{content}</span>
      )}
      {onRemove && (
        <button
          type="button"
          class="icon attachment-remove"
          aria-label={`Remove ${name}`}
          title={`Remove ${name}`}
          onClick={onRemove}
        >
          <CloseIcon size={14} />
        </button>
      )}
      {state === 'uploading' && (
        <progress class="attachment-progress" max={1} value={props.progress ?? 0} aria-label={`Uploading ${name}`} />
      )}
      {error && (
        <p class="attachment-error" role="alert" data-testid="attachment-error">
          {error}
        </p>
      )}
    </li>
  );
}

/** The composer's files and the token meter; nothing when there are none. */
export function ComposerAttachments() {
  const drafts = composerAttachments.value;
  const meter = attachmentMeter.value;
  if (drafts.length === 0) return null;
  return (
    <div class="composer-attachments">
      <ul class="attachment-chips" aria-label="Attached files">
        {drafts.map((d) => (
          <AttachmentChip
            key={d.key}
            name={d.name}
            size={d.size}
            state={d.state}
            progress={d.progress}
            error={d.error}
            id={d.summary?.id ?? null}
            onRemove={() => void removeAttachment(d.key)}
          />
        ))}
      </ul>
      {meter && (
        <div class="token-meter" data-testid="token-meter" aria-live="polite">
          <p class={meter.over ? 'over' : undefined} data-testid="token-meter-summary">
            {meter.summary}
          </p>
          {meter.warning && (
            <p class="token-warning" data-testid="token-warning">
              {meter.warning}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * Files uploaded earlier (before a reload) and never sent: the composer offers to attach them to the next message
 * or remove them (deleted on the server, freeing the quota). Nothing when there are none.
 */
export function UnsentUploads() {
  const files = unsentOffer.value;
  if (files.length === 0) return null;
  return (
    <section class="unsent-uploads" aria-labelledby="unsent-uploads-text" data-testid="unsent-uploads">
      <p id="unsent-uploads-text">
        {unsentOfferText(files)}
        {files.length > 1 && <span class="muted">: {files.map((f) => f.name).join(', ')}</span>}
      </p>
      <div class="form-actions">
        <button type="button" data-testid="unsent-attach" onClick={attachUnsent}>
          Attach {files.length === 1 ? 'it' : 'them'}
        </button>
        <button type="button" data-testid="unsent-remove" onClick={() => void removeUnsent()}>
          Remove {files.length === 1 ? 'it' : 'them'}
        </button>
      </div>
      {unsentError.value && (
        <p class="form-error" role="alert">
          {unsentError.value}
        </p>
      )}
    </section>
  );
}

/** The paper clip: a labelled button (reachable by Tab) that opens the file picker. */
export function AttachButton() {
  const input = useRef<HTMLInputElement>(null);
  const accept = attachmentLimits.value?.accepted.join(',');
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={accept || undefined}
        data-testid="attach-input"
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files) void addFiles([...files]);
          e.currentTarget.value = '';
        }}
      />
      <button
        type="button"
        class="icon"
        data-testid="attach"
        aria-label="Attach files"
        title="Attach files (or drop or paste them here)"
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon size={18} />
      </button>
    </>
  );
}

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Files dropped on the chat are attached to the message being written; a zone says so while they are dragged
 * over it. The events stop here, so the page's import drop zone (around it) does not take them too.
 */
export function AttachDropZone({ children }: { children: ComponentChildren }) {
  const [over, setOver] = useState(false);
  const area = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    let depth = 0;
    // Files only (not dragged text); every event of a file drag stops here, so the page's counts stay paired.
    const own = (e: DragEvent) => {
      if (!hasFiles(e)) return false;
      e.stopPropagation();
      return true;
    };
    const enter = (e: DragEvent) => {
      if (!own(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!own(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const dragOver = (e: DragEvent) => {
      if (!own(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!own(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const files = e.dataTransfer?.files;
      if (files?.length) void addFiles([...files]);
    };
    el.addEventListener('dragenter', enter);
    el.addEventListener('dragleave', leave);
    el.addEventListener('dragover', dragOver);
    el.addEventListener('drop', drop);
    return () => {
      el.removeEventListener('dragenter', enter);
      el.removeEventListener('dragleave', leave);
      el.removeEventListener('dragover', dragOver);
      el.removeEventListener('drop', drop);
    };
  }, []);
  return (
    <div class="chat-column" ref={area} data-testid="attach-drop-area">
      {children}
      {over && (
        <div class="attach-drop-zone" role="status" data-testid="attach-drop-zone">
          Drop files to attach them to your message
        </div>
      )}
    </div>
  );
}

/** The files sent with a user message: chips that open the preview (and say so while one is still indexed). */
export function MessageAttachments({ attachments }: { attachments: readonly AttachmentSummary[] }) {
  return (
    <ul class="attachment-chips message-attachments" aria-label="Attached files">
      {attachments.map((a) => (
        <AttachmentChip
          key={a.id}
          name={a.name}
          size={a.size}
          state={a.state === 'ready' ? 'sent' : a.state}
          id={a.id}
        />
      ))}
    </ul>
  );
}

/** The parts of large files a reply used: each opens the preview at that part. */
export function CitedParts({ sources }: { sources: readonly AttachmentSource[] }) {
  return (
    <nav class="cited-parts" aria-label="Parts of files used" data-testid="cited-parts">
      <p class="message-meta">Parts used:</p>
      <ul>
        {sources.map((s) => (
          <li key={`${s.attachment_id}:${s.ordinal}`}>
            <button
              type="button"
              class="link cited-part"
              data-testid="cited-part"
              onClick={() => void openPreview({ id: s.attachment_id, name: s.name, ordinal: s.ordinal })}
            >
              {s.name} — {partLabel(s)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
