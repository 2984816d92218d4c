/** Toast stack (bottom corner), e.g. "Deleted … · Undo". */
import { dismissToast, toasts } from '../../models/toasts.js';
import { CloseIcon } from '../icons/index.js';

export function Toasts() {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a live region that must exist before its first toast; a div keeps the layout rules
    <div class="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {toasts.value.map((t) => (
        <div
          key={t.id}
          class={`toast toast-${t.kind}`}
          role={t.kind === 'error' ? 'alert' : 'status'}
          data-testid="toast"
        >
          <span>{t.message}</span>
          {t.action && (
            <button type="button" class="toast-action" onClick={t.action.run}>
              {t.action.label}
            </button>
          )}
          <button
            type="button"
            class="icon"
            aria-label="Dismiss notification"
            title="Dismiss"
            onClick={() => dismissToast(t.id)}
          >
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
