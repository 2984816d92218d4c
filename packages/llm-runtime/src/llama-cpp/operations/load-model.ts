import { ModelLoadError, ModelNotFoundError } from '../../errors/index.js';
import type { ProviderLoadOptions, ProviderModel } from '../../provider/index.js';
import { scanModels } from '../../registry/index.js';
import { openLoadedModel } from '../lifecycle/index.js';
import { stripPath, type ProviderContext } from './provider-context.js';

/**
 * Makes `modelId` the loaded model: after earlier loads, the current model is retired (memory: it must be gone
 * before the next is mapped) and the new one opened. Loading the model already loaded from the same file is a no-op.
 * Throws ModelNotFoundError, or ModelLoadError (recorded as the provider's failure unless the file is not a GGUF).
 */
export function loadModel(
  context: ProviderContext,
  modelId: string,
  loadOptions: ProviderLoadOptions = {},
): Promise<ProviderModel> {
  const { settings } = context;
  return context.lifecycle.load(modelId, async (step) => {
    const model = (await scanModels(settings.modelsDir)).find((candidate) => candidate.id === modelId);
    if (!model) throw new ModelNotFoundError(modelId, settings.modelsDir);
    const current = step.current;
    if (current?.model.id === modelId && current.model.path === model.path) return stripPath(current.model);
    if (model.status === 'broken') {
      throw new ModelLoadError(modelId, `${model.file} is not a valid GGUF: ${model.error}`);
    }
    const report = (progress: number) => {
      step.report(progress);
      loadOptions.onProgress?.(progress);
    };
    await step.replace(async () =>
      openLoadedModel(await context.llama(), model, { ...settings.sizing, report, signal: loadOptions.signal }),
    );
    report(1);
    return stripPath(model);
  });
}
