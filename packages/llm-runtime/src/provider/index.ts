/** The provider contract every model backend implements. */
export type {
  LlmProvider,
  GenerateRequest,
  GenerateResult,
  GenerateMessage,
  GenerateTools,
  ToolDefinition,
  ToolChoice,
  ToolCall,
  ToolCallDelta,
  ResponseFormat,
  GenerateTiming,
  PreloadRequest,
  PreloadState,
  ProviderModel,
  ProviderStatus,
  ProviderLoadOptions,
} from './types.js';
export type { EmbedRequest, EmbedResult, CompleteRequest, TextProvider, EmbeddingModelStatus } from './types.js';
