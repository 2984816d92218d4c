/** Sampling options from protocol's GenerationParams in node-llama-cpp's terms: seed, repeat penalties, token bias. */
import { randomInt } from 'node:crypto';
import { SEED_MAX, type GenerationParams } from '@chat-studio/protocol';
import { TokenBias, type LLamaContextualRepeatPenalty, type LlamaModel } from 'node-llama-cpp';
import { UnsupportedRequestError } from '../errors/index.js';

/**
 * The seed a generation samples with: the request's, or a fresh random one. node-llama-cpp falls back to
 * `Date.now() / 1000` when it gets none, so every request in the same second sampled the same text.
 *
 * @example
 * resolveSeed(42) // 42
 * resolveSeed(undefined) // e.g. 3141592653, different every call
 */
export function resolveSeed(seed: number | undefined): number {
  return seed ?? randomInt(0, SEED_MAX + 1);
}

/**
 * `repeat_penalty`, `frequency_penalty` and `presence_penalty` as node-llama-cpp's repeat penalty (applied over its
 * last 64 tokens, llama.cpp's sampler: logit -= count × frequency + presence). undefined when none is set, so the
 * runtime default stays.
 *
 * @example
 * toRepeatPenalty({ frequency_penalty: 0.5 }) // { frequencyPenalty: 0.5 }
 */
export function toRepeatPenalty(params: GenerationParams): LLamaContextualRepeatPenalty | undefined {
  const penalty: { penalty?: number; frequencyPenalty?: number; presencePenalty?: number } = {};
  if (params.repeat_penalty !== undefined) penalty.penalty = params.repeat_penalty;
  if (params.frequency_penalty !== undefined) penalty.frequencyPenalty = params.frequency_penalty;
  if (params.presence_penalty !== undefined) penalty.presencePenalty = params.presence_penalty;
  return Object.keys(penalty).length > 0 ? penalty : undefined;
}

/**
 * OpenAI's `logit_bias` (token id → -100…100, added to the logit) as a node-llama-cpp TokenBias; -100 means never.
 * A token id the model's vocabulary does not have is refused.
 *
 * @example
 * toTokenBias(model, { '50256': -100 }) // TokenBias that never samples token 50256
 */
export function toTokenBias(model: LlamaModel, logitBias: Record<string, number> | undefined): TokenBias | undefined {
  if (!logitBias || Object.keys(logitBias).length === 0) return undefined;
  const size = vocabularySize(model);
  const bias = new TokenBias(model.tokenizer);
  for (const [key, value] of Object.entries(logitBias)) {
    const token = Number(key);
    if (!Number.isInteger(token) || token < 0 || (size !== undefined && token >= size)) {
      throw new UnsupportedRequestError(
        'logit_bias',
        `logit_bias: token ${key} is not in the model's vocabulary${size !== undefined ? ` (0–${size - 1})` : ''}`,
      );
    }
    bias.set(token as Parameters<TokenBias['set']>[0], value <= -100 ? 'never' : { logit: value });
  }
  return bias;
}

function vocabularySize(model: LlamaModel): number | undefined {
  const tokens = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: readonly unknown[] } } }).tokenizer?.ggml
    ?.tokens;
  return Array.isArray(tokens) ? tokens.length : undefined;
}
