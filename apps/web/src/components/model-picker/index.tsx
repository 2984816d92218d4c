/** Model picker fed by /api/llm/models; switching shows load progress while the status is polled. */
import { formatModelLabel, formatModelTitle } from '../../lib/model-label.js';
import {
  activeModelId,
  llmStatus,
  loadProgress,
  models,
  modelsError,
  switchingTo,
  switchModel,
} from '../../models/models.js';

export function ModelPicker() {
  const list = models.value;
  const active = switchingTo.value ?? activeModelId.value ?? '';
  const progress = loadProgress.value;
  const state = llmStatus.value?.state;
  const current = list.find((m) => m.id === active);
  return (
    <div class="model-picker">
      <label for="model-select" class="sr-only">
        Model
      </label>
      <select
        id="model-select"
        data-testid="model-picker"
        value={active}
        disabled={switchingTo.value !== null || list.length === 0}
        onChange={(e) => void switchModel(e.currentTarget.value)}
        title={modelsError.value ?? (current ? formatModelTitle(current) : undefined)}
      >
        {!active && <option value="">{list.length === 0 ? 'No models found' : 'Choose a model'}</option>}
        {list.map((m) => (
          <option key={m.id} value={m.id} disabled={m.status === 'broken'} title={formatModelTitle(m)}>
            {formatModelLabel(m)}
          </option>
        ))}
      </select>
      {progress !== null ? (
        <span class="model-progress" role="status" data-testid="model-progress">
          <progress max={1} value={progress} aria-label="Model loading progress" /> {Math.round(progress * 100)}%
        </span>
      ) : (
        <span class={`model-state state-${state ?? 'unknown'}`} role="status" data-testid="model-state">
          {state === 'ready' ? 'Ready' : state === 'error' ? 'Error' : state === 'no_model' ? 'No model' : ''}
        </span>
      )}
    </div>
  );
}
