/** Model downloads with resume (used by the models CLI). */
export {
  pullModel,
  resolveModelUrl,
  DEFAULT_HF_ENDPOINT,
  type PullModelOptions,
  type PullModelResult,
} from './pull-model.js';
