/**
 * The settings panel's "Search by meaning": the per-user opt-in (saved at once), and while it is on, how far the
 * user's messages are embedded (refreshed while the panel is open) or why none can be embedded now.
 */
import { useEffect } from 'preact/hooks';
import { embeddingProgressView } from '../../lib/search-modes.js';
import {
  embeddingWork,
  MEANING_SWITCH_ID,
  meaningError,
  meaningSaving,
  searchSettings,
  setMeaningSearch,
  watchEmbeddingProgress,
} from '../../models/meaning-search.js';

/** Shown in the settings panel; nothing on a server without search by meaning. */
export function MeaningSettings() {
  useEffect(() => watchEmbeddingProgress(), []);
  const settings = searchSettings.value;
  if (!settings) return null;
  const view = embeddingProgressView(settings, embeddingWork.value);
  return (
    <section class="meaning-settings" aria-labelledby="meaning-settings-title" data-testid="meaning-settings">
      <h3 id="meaning-settings-title">Search by meaning</h3>
      <label class="toggle">
        <input
          id={MEANING_SWITCH_ID}
          type="checkbox"
          role="switch"
          aria-checked={settings.meaning_search}
          data-testid="meaning-switch"
          aria-describedby="meaning-settings-hint meaning-progress"
          checked={settings.meaning_search}
          disabled={meaningSaving.value}
          onChange={(e) => void setMeaningSearch(e.currentTarget.checked)}
        />
        <span>
          Find chats by what they are about, not only by their words{' '}
          <span class="muted">(your account, saved at once)</span>
        </span>
      </label>
      <p class="muted" id="meaning-settings-hint">
        Your messages are embedded by the server's model, in the background. Turning this off deletes those vectors.
      </p>
      <p id="meaning-progress" class={view.error ? 'form-error' : undefined} data-testid="meaning-progress">
        {view.text}
      </p>
      {view.fraction !== null && (
        <progress max={1} value={view.fraction} aria-label="Messages embedded" data-testid="meaning-progress-bar" />
      )}
      {meaningError.value && (
        <p class="form-error" role="alert">
          {meaningError.value}
        </p>
      )}
    </section>
  );
}
