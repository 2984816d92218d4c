import type { GenerationParams, GenerationStats, LlmState, ModelInfo } from '@chat-studio/protocol';

/** One message of the conversation sent to the model. */
export interface GenerateMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** On an assistant message: the tool calls it made. Each needs a later `tool` message with its id. */
  tool_calls?: ToolCall[];
  /** On a `tool` message: the id of the call whose result `content` is. */
  tool_call_id?: string;
}

/** A function the model may call; `parameters` is a JSON schema of its arguments (see `toGrammarSchema`). */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/**
 * `auto`: the model decides, in its chat template's own function-calling syntax; `none`: no call;
 * `required`: one call of any tool, forced by a grammar; `{ name }`: a call of that tool, forced by a grammar.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** Tools offered to the model for one generation. */
export interface GenerateTools {
  tools: ToolDefinition[];
  /** Defaults to `auto`. */
  choice?: ToolChoice;
  /** false: at most one call per reply. Defaults to true. */
  parallel?: boolean;
}

/** A function call made by the model. `arguments` is the JSON text exactly as generated. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A piece of a tool call while it is generated: `id` and `name` come first, then `arguments` in pieces. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments: string;
}

/** Constrains the reply: any JSON object, or JSON valid against `schema`. */
export type ResponseFormat = { type: 'json_object' } | { type: 'json_schema'; schema: Record<string, unknown> };

/** A generation request. The last message is usually the user's; a trailing assistant message is continued. */
export interface GenerateRequest {
  messages: GenerateMessage[];
  /** Sampling and length. `temperature` defaults to 0.8, `max_tokens` to the runtime's `defaultMaxTokens`. */
  params?: GenerationParams;
  /** Aborting stops computation at once; the result then has finish_reason `abort` and the text so far. */
  signal?: AbortSignal;
  /** Called with each new piece of text (one token's worth) as it is generated. */
  onToken?: (text: string) => void;
  /** Chat session id: turns with the same key reuse the evaluated prompt (KV cache) of the previous turn. */
  sessionKey?: string;
  /**
   * Who the reply is for (a username). Remote upstreams receive it as `X-Chat-Studio-On-Behalf-Of`; a Chat Studio
   * upstream logs it for requests made with a service key. Defaults to none.
   */
  endUser?: string;
  /** Function tools; local models only (a remote upstream refuses them). */
  tools?: GenerateTools;
  /** Called as tool calls are generated; see {@link ToolCallDelta}. */
  onToolCall?: (delta: ToolCallDelta) => void;
  /** JSON output enforced by a grammar; `params.json_mode` is the same as `{ type: 'json_object' }`. */
  responseFormat?: ResponseFormat;
  /**
   * Clamp `max_tokens` to the space the prompt leaves in the context, so the reply ends with `length` there (OpenAI's
   * semantics, used by /v1). Without it a reply longer than the context goes on, shifting its own start out.
   */
  fitToContext?: boolean;
}

/**
 * A chat to preload (its next turn should be fast): its stored history, as the next `generate` will send it. The API's
 * `POST /api/chat/prepare` body is protocol's `PrepareRequest`; this is what the runtime is asked.
 */
export interface PreloadRequest {
  messages: GenerateMessage[];
  /** The params the next turn will use (`system_prompt` is part of what is evaluated). */
  params?: GenerationParams;
  /** The chat session id the next `generate` will pass as `sessionKey`. */
  sessionKey: string;
  /**
   * The start of the next user turn's text, when it is known before the user's words (attached files' blocks):
   * evaluated too, so the turn evaluates only what follows it.
   */
  nextUserPrefix?: string;
}

/**
 * `preparing`: evaluation started on an idle sequence; `ready`: the sequence already holds this history;
 * `skipped`: nothing to do (no local model, an empty history, or every sequence is busy).
 */
export type PreloadState = 'preparing' | 'ready' | 'skipped';

/** What a finished (or aborted) generation returns. */
export interface GenerateResult {
  text: string;
  modelId: string;
  stats: GenerationStats;
  /**
   * Prompt tokens actually run through the model for this reply; lower than `stats.prompt_tokens` when the
   * session's KV cache was reused. 0 for a cache hit.
   */
  promptTokensEvaluated: number;
  /** Which remote upstream generated the reply (its `ProviderInfo.id`); absent for local models and cache hits. */
  servedBy?: string;
  /** Milliseconds the request waited in the queue for a free sequence (0 when one was free at once). */
  queueWaitMs?: number;
  /** Tool calls the model made (then `text` is what it said besides, often empty). */
  toolCalls?: ToolCall[];
  /** The sampling seed used: the request's, or the fresh random one drawn for it. Absent for cache hits and upstreams. */
  seed?: number;
}

/** A model as a provider lists it. */
export type ProviderModel = Omit<ModelInfo, 'active'>;

/** Provider state, the per-provider part of protocol LlmStatus. */
export interface ProviderStatus {
  state: LlmState;
  model_id: string | null;
  load_progress: number;
  reason: string | null;
  sequences_in_use: number;
  sequences_total: number;
  threads: number | null;
  gpu: string | null;
}

/** Options for {@link LlmProvider.load}. */
export interface ProviderLoadOptions {
  /** Load progress from 0 to 1. */
  onProgress?: (progress: number) => void;
  signal?: AbortSignal;
}

/** Internal timing handed from the runtime so TTFT and total include the queue wait. */
export interface GenerateTiming {
  /** `performance.now()` when the request reached the runtime. */
  startedAt: number;
}

/**
 * A source of models and generations. `llama-cpp` runs GGUF files in-process; a remote OpenAI-compatible
 * provider implements the same contract (its `load` selects a model, `generate` streams from HTTP).
 */
export interface LlmProvider {
  /** Unique id, e.g. `llama-cpp`. */
  readonly id: string;
  /** Kind of provider, e.g. `llama-cpp` or `openai-compatible`. */
  readonly type: string;
  /** Human-readable name. */
  readonly name: string;
  listModels(): Promise<ProviderModel[]>;
  /** Makes `modelId` the active model; throws ModelNotFoundError / ModelLoadError / InsufficientMemoryError. */
  load(modelId: string, options?: ProviderLoadOptions): Promise<ProviderModel>;
  /** Runs one request on the active model. The caller has reserved one of `status().sequences_total` slots. */
  generate(request: GenerateRequest, timing?: GenerateTiming): Promise<GenerateResult>;
  status(): ProviderStatus;
  /**
   * Tokens `text` takes in the active model's tokenizer (no chat template, no special tokens), or null while no
   * model is loaded. Providers without a local tokenizer omit it.
   */
  countTokens?(text: string): number | null;
  /** Tokens per sequence of the active model's context, or null while no model is loaded; omitted when unknown. */
  contextSize?(): number | null;
  /** Starts evaluating a chat's history while its user types; providers without a local KV cache omit it. */
  preload?(request: PreloadRequest): PreloadState;
  /** Releases the active model (in-flight requests are aborted after the grace period). */
  unload(): Promise<void>;
  /** Unloads and frees everything the provider holds. */
  close(): Promise<void>;
}

/** Texts (or token ids) to embed, for `/v1/embeddings` and Ollama's `/api/embed`. */
export interface EmbedRequest {
  /** The model: the configured embedding model, or the active local chat model. */
  model: string;
  /** One vector per item; a number array is taken as token ids. */
  input: readonly (string | readonly number[])[];
  /** Cut inputs longer than the embedding context instead of throwing InputTooLongError. Defaults to false. */
  truncate?: boolean;
  signal?: AbortSignal;
}

/** Unit-length vectors, one per input, in input order. */
export interface EmbedResult {
  modelId: string;
  vectors: number[][];
  /** Tokens embedded, over all inputs (after truncation). */
  promptTokens: number;
  /** Wall time of the whole request, model load included. */
  totalMs: number;
}

/** A plain (untemplated) completion of `prompt`, for `/v1/completions` and Ollama's raw `/api/generate`. */
export interface CompleteRequest {
  prompt: string;
  /** Sampling, length, stop, penalties and `logit_bias` apply; `system_prompt` and `json_mode` are refused. */
  params?: GenerationParams;
  signal?: AbortSignal;
  onToken?: (text: string) => void;
}

/** A provider that can embed and complete plain text (the local llama.cpp one). */
export interface TextProvider {
  embed(request: EmbedRequest): Promise<EmbedResult>;
  complete(request: CompleteRequest, timing?: GenerateTiming): Promise<GenerateResult>;
  /** Starts loading the dedicated embedding model, if one is configured; failures show in `embeddingStatus`. */
  loadEmbeddingModel(): Promise<void>;
  /** The dedicated embedding model: its id and state, or null when none is configured. */
  embeddingStatus(): EmbeddingModelStatus | null;
}

/** State of the dedicated embedding model (EMBEDDING_MODEL). */
export interface EmbeddingModelStatus {
  model_id: string;
  state: 'loading' | 'ready' | 'error' | 'idle';
  reason: string | null;
  dimensions: number | null;
}
