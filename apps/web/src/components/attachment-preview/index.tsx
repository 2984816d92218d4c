/**
 * The attachment preview: a modal dialog with the file's extracted text as plain text (never as HTML), cut at its
 * parts with their headings and pages shown, scrolled to the part a citation names; a download link for the
 * original. The modal dialog keeps focus inside; Esc closes it.
 */
import { useEffect, useRef } from 'preact/hooks';
import { chunkSegments, partLabel } from '../../lib/chunk-segments.js';
import { attachmentContentUrl } from '../../lib/attachments-api.js';
import { attachmentPreview, closePreview, type PreviewState } from '../../models/attachment-preview.js';
import { CloseIcon } from '../icons/index.js';

function PreviewBody({ state }: { state: PreviewState }) {
  const { text, error, target } = state;
  if (error)
    return (
      <p class="message-error" role="alert">
        {error}
      </p>
    );
  if (!text) return <p class="muted">Loading the text…</p>;
  if (text.text === '') return <p class="muted">This file has no text.</p>;
  return (
    <section
      class="preview-text"
      data-testid="preview-text"
      aria-label={`Text of ${target.name}`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region is reached by keyboard to scroll it
      tabIndex={0}
    >
      {chunkSegments(text.text, text.chunks).map((seg, i) =>
        seg.ordinal === null ? (
          <pre key={`gap-${i}`} class="preview-gap">
            {seg.text}
          </pre>
        ) : (
          <section
            key={`part-${seg.ordinal}`}
            class={`preview-part${seg.ordinal === target.ordinal ? ' cited' : ''}`}
            data-testid="preview-part"
            data-ordinal={seg.ordinal}
            aria-current={seg.ordinal === target.ordinal ? 'true' : undefined}
          >
            <h3 class="preview-part-label">{partLabel({ ...seg, ordinal: seg.ordinal })}</h3>
            <pre>{seg.text}</pre>
          </section>
        ),
      )}
    </section>
  );
}

/** The open preview, if any. */
export function AttachmentPreview() {
  const state = attachmentPreview.value;
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!state || !dialog) return;
    const before = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    return () => before?.focus?.();
  }, [state === null]);
  const ordinal = state?.target.ordinal ?? null;
  const loaded = state?.text !== null;
  useEffect(() => {
    if (ordinal === null || !loaded) return;
    ref.current?.querySelector(`[data-ordinal="${ordinal}"]`)?.scrollIntoView({ block: 'start' });
  }, [ordinal, loaded, state?.target]);
  if (!state) return null;
  const { target } = state;
  return (
    <dialog
      ref={ref}
      class="attachment-preview"
      aria-labelledby="attachment-preview-title"
      data-testid="attachment-preview"
      onCancel={(e) => {
        e.preventDefault();
        closePreview();
      }}
      onKeyDown={(e) => {
        // Handled here so that Escape does not also stop a reply.
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          closePreview();
        }
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) closePreview();
      }}
    >
      <header class="preview-header">
        <h2 id="attachment-preview-title">{target.name}</h2>
        <a class="button" href={attachmentContentUrl(target.id)} download={target.name} data-testid="preview-download">
          Download
        </a>
        <button
          type="button"
          class="icon"
          aria-label="Close preview"
          title="Close"
          onClick={closePreview}
          // biome-ignore lint/a11y/noAutofocus: a dialog moves focus into itself
          autoFocus
        >
          <CloseIcon size={18} />
        </button>
      </header>
      <PreviewBody state={state} />
    </dialog>
  );
}
