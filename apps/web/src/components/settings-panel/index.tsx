/**
 * Per-session settings: system prompt, temperature, top_p, max_tokens, frequency and presence penalties, JSON mode,
 * read replies aloud; plus streaming on/off, search by meaning and import/export.
 */
import { useEffect, useRef } from 'preact/hooks';
import { canSpeak } from '../../lib/speech.js';
import { canAutofocusText } from '../../lib/focus.js';
import {
  closeSettings,
  saveSettings,
  settingsDraft,
  settingsSaving,
  streamingEnabled,
  updateDraft,
} from '../../models/settings.js';
import { currentSession } from '../../models/sessions.js';
import { focusMeaningSwitch, MEANING_SWITCH_ID } from '../../models/meaning-search.js';
import { MeaningSettings } from '../meaning-settings/index.js';
import { TransferSection } from '../transfer/index.js';

function numberOrUndefined(value: string, integer = false): number | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) return undefined;
  return integer ? Math.round(n) : n;
}

/** Id of the header button that opens the panel; focus goes back to it when the panel closes. */
export const SETTINGS_BUTTON_ID = 'settings-button';

interface NumberFieldProps {
  name: 'temperature' | 'top_p' | 'max_tokens' | 'frequency_penalty' | 'presence_penalty';
  label: string;
  hint?: string;
  min: number;
  max: number;
  /** 1 makes the field whole numbers only. */
  step: number;
  value: number | undefined;
}

/** A generation setting as a number input; empty means "the server's default". */
function NumberField({ name, label, hint, min, max, step, value }: NumberFieldProps) {
  return (
    <label>
      {label}
      {hint && (
        <>
          {' '}
          <span class="muted">{hint}</span>
        </>
      )}
      <input
        name={name}
        type="number"
        min={min}
        max={max}
        step={step}
        value={value ?? ''}
        onInput={(e) => updateDraft({ [name]: numberOrUndefined(e.currentTarget.value, step === 1) })}
      />
    </label>
  );
}

export function SettingsPanel() {
  const d = settingsDraft.value;
  const panelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const panel = panelRef.current;
    // `autofocus` does nothing here: the settings button that opened the panel still has focus. On touch screens the
    // panel itself takes focus: a text field would pop up the on-screen keyboard uninvited. Opened from the search
    // box's "turn it on", the meaning-search switch takes it (a checkbox: no keyboard pops up).
    const meaningSwitch = focusMeaningSwitch.peek() ? document.getElementById(MEANING_SWITCH_ID) : null;
    focusMeaningSwitch.value = false;
    if (meaningSwitch) meaningSwitch.focus();
    else if (canAutofocusText()) panel?.querySelector<HTMLElement>('textarea, input, select, button')?.focus();
    else panel?.focus();
    return () => {
      const active = document.activeElement;
      // Give focus back only when it was in the panel (or got lost with it), not when the user clicked elsewhere.
      if (!active || active === document.body || panel?.contains(active))
        document.getElementById(SETTINGS_BUTTON_ID)?.focus();
    };
  }, []);
  return (
    <div
      ref={panelRef}
      id="settings-panel"
      class="settings-panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="settings-title"
      data-testid="settings-panel"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          closeSettings();
        }
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void saveSettings();
        }}
      >
        <h2 id="settings-title">{currentSession.value ? 'Chat settings' : 'Settings for the new chat'}</h2>
        <label>
          System prompt
          <textarea
            name="system_prompt"
            rows={4}
            value={d.system_prompt ?? ''}
            onInput={(e) => updateDraft({ system_prompt: e.currentTarget.value || undefined })}
          />
        </label>
        <NumberField
          name="temperature"
          label="Temperature"
          hint="(0–2, empty: server default)"
          min={0}
          max={2}
          step={0.05}
          value={d.temperature}
        />
        <NumberField name="top_p" label="Top P" hint="(0–1)" min={0} max={1} step={0.05} value={d.top_p} />
        <NumberField name="max_tokens" label="Max tokens" min={1} max={32768} step={1} value={d.max_tokens} />
        <NumberField
          name="frequency_penalty"
          label="Frequency penalty"
          hint="(−2–2, repeats less the more a word appeared)"
          min={-2}
          max={2}
          step={0.1}
          value={d.frequency_penalty}
        />
        <NumberField
          name="presence_penalty"
          label="Presence penalty"
          hint="(−2–2, repeats less any word that appeared)"
          min={-2}
          max={2}
          step={0.1}
          value={d.presence_penalty}
        />
        <label class="toggle">
          <input
            name="json_mode"
            type="checkbox"
            checked={d.json_mode === true}
            onChange={(e) => updateDraft({ json_mode: e.currentTarget.checked || undefined })}
          />
          <span>
            JSON mode <span class="muted">(every reply is one JSON object)</span>
          </span>
        </label>
        <label class="toggle">
          <input
            name="speak_replies"
            type="checkbox"
            checked={d.speak_replies === true}
            disabled={!canSpeak()}
            onChange={(e) => updateDraft({ speak_replies: e.currentTarget.checked })}
          />
          <span>Read replies aloud{!canSpeak() && <span class="muted"> (not supported by this browser)</span>}</span>
        </label>
        <hr />
        <label class="toggle">
          <input
            name="streaming"
            type="checkbox"
            checked={streamingEnabled.value}
            onChange={(e) => (streamingEnabled.value = e.currentTarget.checked)}
          />
          <span>
            Stream replies token by token <span class="muted">(this browser)</span>
          </span>
        </label>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={settingsSaving.value}>
            {settingsSaving.value ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={closeSettings}>
            Cancel
          </button>
        </div>
      </form>
      <MeaningSettings />
      <TransferSection />
    </div>
  );
}
