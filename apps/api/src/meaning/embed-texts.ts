/** Embedding through the runtime for search by meaning: which model, and unit vectors as Float32Array. */
import type { LlmRuntime } from '@chat-studio/llm-runtime';

/**
 * The model meaning search embeds with: the dedicated EMBEDDING_MODEL when one is configured (even while it loads),
 * else the active local chat model; `null` when neither can embed now.
 */
export function meaningModel(runtime: LlmRuntime): string | null {
  const dedicated = runtime.embeddingStatus();
  if (dedicated) return dedicated.state === 'error' ? null : dedicated.model_id;
  return runtime.unavailableReason() === null ? runtime.status().model_id : null;
}

/** Unit vectors of `texts` (cut to the embedding context, never refused for length). */
export async function embedTexts(
  runtime: LlmRuntime,
  model: string,
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const result = await runtime.embed({ model, input: texts, truncate: true, signal });
  return result.vectors.map((v) => Float32Array.from(v));
}
