/** Model picker fed by /api/llm/models; switching shows load progress while the status is polled. */
import { activeModelId, llmStatus, loadProgress, models, modelsError, switchingTo, switchModel } from '../../models/models.js';

function formatSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

export function ModelPicker() {
  const list = models.value;
  const active = switchingTo.value ?? activeModelId.value ?? '';
  const progress = loadProgress.value;
  const state = llmStatus.value?.state;
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
        title={modelsError.value ?? undefined}
      >
        {!active && <option value="">{list.length === 0 ? 'No models found' : 'Choose a model'}</option>}
        {list.map((m) => (
          <option key={m.id} value={m.id} disabled={m.status === 'broken'}>
            {m.name}
            {m.size_bytes !== null ? ` (${formatSize(m.size_bytes)})` : ''}
            {m.status === 'broken' ? ' — broken' : ''}
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
