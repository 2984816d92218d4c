/** Loading, retiring and describing the llama.cpp provider's one model. */
export {
  createModelLifecycle,
  type LoadFailure,
  type LoadingState,
  type LoadStep,
  type ModelLifecycle,
  type ModelLifecycleOptions,
} from './model-lifecycle.js';
export {
  chatWrapperOf,
  DEFAULT_MAX_CONTEXT,
  openLoadedModel,
  retireLoadedModel,
  toModelLoadError,
  type LoadedModel,
  type OpenModelOptions,
} from './loaded-model.js';
export { createLlama, describeGpu, llamaLogger } from './create-llama.js';
export {
  describeProviderStatus,
  notLoadedReason,
  type ProviderStatusInput,
  type ReadyModelView,
} from './provider-status.js';
