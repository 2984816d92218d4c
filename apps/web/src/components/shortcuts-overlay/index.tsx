/** The `?` overlay: a modal dialog listing every keyboard shortcut. */
import { Fragment } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { keyLabel, LIST_KEYS, SHORTCUTS } from '../../lib/shortcuts.js';
import { shortcutsOpen } from '../../models/shortcuts.js';

const apple = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

function Keys({ keys }: { keys: string[] }) {
  return (
    <span class="shortcut-keys">
      {keys.map((k, i) => (
        <Fragment key={k}>
          {i > 0 && <span class="muted"> or </span>}
          <kbd>{keyLabel(k, apple)}</kbd>
        </Fragment>
      ))}
    </span>
  );
}

export function ShortcutsOverlay() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => before?.focus?.();
  }, []);
  const close = () => (shortcutsOpen.value = false);
  return (
    <dialog
      ref={ref}
      class="shortcuts-overlay"
      aria-labelledby="shortcuts-title"
      data-testid="shortcuts-overlay"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      onKeyDown={(e) => {
        // Handled here so that Escape does not also stop a reply.
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <td>
                <Keys keys={s.keys} />
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
          {LIST_KEYS.map((s) => (
            <tr key={s.description}>
              <td>
                <Keys keys={s.keys} />
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="form-actions">
        <button
          type="button"
          class="primary"
          onClick={close}
          // biome-ignore lint/a11y/noAutofocus: a dialog moves focus into itself; Close is its only control
          autoFocus
        >
          Close
        </button>
      </div>
    </dialog>
  );
}
