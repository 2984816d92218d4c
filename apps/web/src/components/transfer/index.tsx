/** Export and import controls: the chat's export menu, the "all chats" section of settings, and a drop zone. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { exportHref, importFile, importing } from '../../models/transfer.js';

/** Export menu of the open chat: our JSON (every branch) or Markdown (the branch shown). */
export function ChatExportMenu({ sessionId }: { sessionId: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, [open]);
  const closeOnEscape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !open) return;
    e.preventDefault();
    setOpen(false);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape from the menu's own buttons bubbles here to close it
    <div class="export-menu" ref={ref} onKeyDown={closeOnEscape}>
      <button
        type="button"
        class="link"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="export-chat"
        onClick={() => setOpen(!open)}
      >
        Export
      </button>
      {open && (
        <div class="export-menu-items" role="menu">
          <a
            role="menuitem"
            href={exportHref('json', sessionId)}
            download
            data-testid="export-chat-json"
            onClick={() => setOpen(false)}
          >
            Chat Studio JSON (every branch)
          </a>
          <a
            role="menuitem"
            href={exportHref('markdown', sessionId)}
            download
            data-testid="export-chat-markdown"
            onClick={() => setOpen(false)}
          >
            Markdown (this branch)
          </a>
        </div>
      )}
    </div>
  );
}

/** A button that opens the file picker and imports the chosen file. */
export function ImportButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void importFile(file);
        }}
      />
      <button
        type="button"
        disabled={importing.value}
        onClick={() => input.current?.click()}
        data-testid="import-button"
      >
        {importing.value ? 'Importing…' : 'Import chats…'}
      </button>
    </>
  );
}

/** The "all chats" part of settings: export everything, import a file. */
export function TransferSection() {
  return (
    <section class="transfer-section" aria-labelledby="transfer-title">
      <h3 id="transfer-title">All chats</h3>
      <p class="muted">
        Export every chat, or import a Chat Studio export, ChatGPT’s <code>conversations.json</code> or an Open WebUI
        export (you can also drop the file on this panel or the chat list; files dropped on the chat are attached to
        your message).
      </p>
      <div class="form-actions">
        <a class="button" href={exportHref('json')} download data-testid="export-all-json">
          Export all (JSON)
        </a>
        <a class="button" href={exportHref('markdown')} download data-testid="export-all-markdown">
          Export all (Markdown)
        </a>
        <ImportButton />
      </div>
    </section>
  );
}

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Dropping a file on the page outside the chat (the chat list, the settings) imports it; an overlay says so while a
 * file is dragged there. The chat's own drop zone attaches files instead (and keeps its events to itself).
 */
export function ImportDropZone() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overHandler = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (file) void importFile(file);
    };
    document.addEventListener('dragenter', enter);
    document.addEventListener('dragleave', leave);
    document.addEventListener('dragover', overHandler);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragenter', enter);
      document.removeEventListener('dragleave', leave);
      document.removeEventListener('dragover', overHandler);
      document.removeEventListener('drop', drop);
    };
  }, []);
  if (!over) return null;
  return (
    <div class="drop-overlay" role="status" data-testid="drop-overlay">
      Drop the file to import its chats
    </div>
  );
}
