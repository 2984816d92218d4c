/** Ollama request fields: `options` mapped to generation parameters, and what Chat Studio refuses, by name. */
import * as v from 'valibot';
import type { GenerationParams, ProtocolLimits } from '@chat-studio/protocol';
import { refuse } from '../openai/endpoint-support/index.js';

/** Ollama's `options` that map onto the runtime; any other option is a 400 naming it. */
export function optionsSchema(limits: ProtocolLimits) {
  return v.object({
    temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
    top_p: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    top_k: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))),
    seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))),
    num_predict: v.optional(v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(limits.maxTokens))),
    stop: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(limits.maxStopSequences))),
    repeat_penalty: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(5))),
    frequency_penalty: v.optional(v.pipe(v.number(), v.minValue(-2), v.maxValue(2))),
    presence_penalty: v.optional(v.pipe(v.number(), v.minValue(-2), v.maxValue(2))),
  });
}

export type OllamaOptions = v.InferOutput<ReturnType<typeof optionsSchema>>;

/** Options that only a plain (raw) completion honours; a chat turn refuses them. */
const RAW_ONLY = ['frequency_penalty', 'presence_penalty'] as const;

/** Validates `options`: unknown keys (num_ctx, mirostat, num_gpu…) are refused as `options.<key>`. */
export function parseOptions(raw: unknown, limits: ProtocolLimits, rawCompletion: boolean): OllamaOptions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) refuse('options', "'options' must be an object");
  const schema = optionsSchema(limits);
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) continue;
    if (!(key in schema.entries)) refuse(`options.${key}`, `option '${key}' is not supported here`);
    if (!rawCompletion && (RAW_ONLY as readonly string[]).includes(key)) refuse(`options.${key}`, `option '${key}' works only with "raw": true`);
  }
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null));
  const result = v.safeParse(schema, cleaned);
  if (!result.success) {
    const path = v.getDotPath(result.issues[0]);
    refuse(`options.${path ?? ''}`, `Invalid options.${path ?? ''}: ${result.issues[0].message}`);
  }
  return result.output;
}

/** Ollama options → the runtime's parameters; `num_predict: -1` means "no limit" (the server's default). */
export function toParams(options: OllamaOptions): GenerationParams {
  const params: GenerationParams = {};
  if (options.temperature !== undefined) params.temperature = options.temperature;
  if (options.top_p !== undefined) params.top_p = options.top_p;
  if (options.top_k !== undefined) params.top_k = options.top_k;
  if (options.seed !== undefined) params.seed = options.seed;
  if (options.num_predict !== undefined && options.num_predict > 0) params.max_tokens = options.num_predict;
  if (options.num_predict === 0) refuse('options.num_predict', 'num_predict must be positive, or -1 for the default');
  if (options.stop?.length) params.stop = options.stop;
  if (options.repeat_penalty !== undefined) params.repeat_penalty = options.repeat_penalty;
  return params;
}

/**
 * `keep_alive`: the model stays loaded until it is switched, which satisfies any positive duration or -1 ("forever").
 * 0 asks to unload now, which only an administrator does here (POST /api/llm/active-model on the main port).
 */
export function checkKeepAlive(value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' && typeof value !== 'string') refuse('keep_alive', "'keep_alive' must be a duration");
  const zero = typeof value === 'number' ? value === 0 : /^0+(\.0*)?(ns|us|µs|ms|s|m|h)?$/.test(value.trim());
  if (zero) refuse('keep_alive', "keep_alive 0 (unload) is not supported: the model stays loaded until it is switched");
}

/** Fields every Ollama generation request may carry that Chat Studio cannot honour when set. */
export function refuseUnsupported(body: Record<string, unknown>, fields: Record<string, string>): void {
  for (const [key, reason] of Object.entries(fields)) {
    const value = body[key];
    if (value === undefined || value === null || value === false || (Array.isArray(value) && value.length === 0) || value === '') continue;
    refuse(key, `'${key}' is not supported: ${reason}`);
  }
}

/** Refuses any top-level field not in `known`, naming it. */
export function refuseUnknown(body: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) refuse(key, `Unknown field '${key}'`);
  }
}
