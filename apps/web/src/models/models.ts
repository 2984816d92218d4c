/** LLM models: the list for the picker, the active model, load status (polled while loading), availability. */
import { batch, computed, signal } from '@preact/signals';
import type { LlmStatus, ModelInfo } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { showError } from './toasts.js';

/** Poll interval for `/api/llm/status` while a model loads. */
const POLL_MS = 500;

export const models = signal<ModelInfo[]>([]);
export const activeModelId = signal<string | null>(null);
export const llmStatus = signal<LlmStatus | null>(null);
export const modelsError = signal<string | null>(null);
/** Model the user asked for, while the switch request is in flight. */
export const switchingTo = signal<string | null>(null);
/** Reason from the last `chat_unavailable` (503) answer to a send, until the status says ready again. */
export const chatUnavailableReason = signal<string | null>(null);

/** What the unavailable banner says; `null` when chat works (or the status is not known yet). */
export interface Availability {
  reason: string;
  hint: string;
}

/** The hint shown when no model can be used. */
export const NO_MODEL_HINT =
  'Put a .gguf file into models/ or run `pnpm models pull <name>` on the server, then pick it in the model menu.';

/** Why chat is unavailable and what to do, from the LLM status and the last send error. */
export const availability = computed<Availability | null>(() => {
  const status = llmStatus.value;
  if (status?.state === 'no_model') {
    return { reason: status.reason ?? 'No model is loaded.', hint: NO_MODEL_HINT };
  }
  if (status?.state === 'error') {
    return {
      reason: status.reason ?? 'The model failed to load.',
      hint: 'Pick another model in the model menu, or check the server log and the model file.',
    };
  }
  if (chatUnavailableReason.value && status?.state !== 'loading') {
    return { reason: chatUnavailableReason.value, hint: NO_MODEL_HINT };
  }
  return null;
});

/** Load progress 0..1 while loading, else `null`. */
export const loadProgress = computed(() =>
  llmStatus.value?.state === 'loading' ? llmStatus.value.load_progress : null,
);

let pollTimer: ReturnType<typeof setTimeout> | null = null;

function schedulePoll(): void {
  if (pollTimer) return;
  pollTimer = setTimeout(() => {
    pollTimer = null;
    void refreshStatus();
  }, POLL_MS);
}

/** Reads `/api/llm/status`; keeps polling while the state is `loading`. */
export async function refreshStatus(): Promise<void> {
  try {
    const status = await api.llmStatus();
    batch(() => {
      llmStatus.value = status;
      if (status.state === 'ready') chatUnavailableReason.value = null;
      if (status.model_id && status.state !== 'loading') activeModelId.value = status.model_id;
    });
    if (status.state === 'loading') schedulePoll();
  } catch (e) {
    modelsError.value = e instanceof Error ? e.message : String(e);
  }
}

/** Loads the model list and the status. */
export async function loadModels(): Promise<void> {
  try {
    const list = await api.models();
    batch(() => {
      models.value = list.models;
      activeModelId.value = list.active_model_id;
      modelsError.value = null;
    });
  } catch (e) {
    modelsError.value = e instanceof Error ? e.message : String(e);
  }
  await refreshStatus();
}

/** Makes `modelId` the active model; the status is polled until it finished loading. */
export async function switchModel(modelId: string): Promise<void> {
  if (switchingTo.value || modelId === activeModelId.value) return;
  switchingTo.value = modelId;
  try {
    const res = await api.setActiveModel(modelId);
    batch(() => {
      llmStatus.value = res.status;
      activeModelId.value = res.model.id;
      models.value = models.value.map((m) => ({ ...m, active: m.id === res.model.id }));
    });
    if (res.status.state === 'loading') schedulePoll();
  } catch (e) {
    showError(e, 'Could not switch the model');
    void refreshStatus();
  } finally {
    switchingTo.value = null;
  }
}

/** Records a `chat_unavailable` answer so the banner shows the server's reason. */
export function reportUnavailable(message: string): void {
  chatUnavailableReason.value = message.replace(/^Chat service is not available:\s*/i, '') || message;
  void refreshStatus();
}
