/** The provider contract every model backend implements. */
export type {
  LlmProvider,
  GenerateRequest,
  GenerateResult,
  GenerateMessage,
  GenerateTiming,
  ProviderModel,
  ProviderStatus,
  ProviderLoadOptions,
} from './types.js';
