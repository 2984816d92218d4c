/** `POST /v1/completions`: OpenAI's legacy text completion, a plain continuation of each prompt (no chat template). */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  LogitBiasSchema,
  PenaltySchema,
  SeedSchema,
  type GenerationParams,
  type GenerationStats,
} from '@chat-studio/protocol';
import type { GenerateResult, LlmRuntime } from '@chat-studio/llm-runtime';
import type { AppDeps, AppEnv } from '../../../app/app-env.js';
import { lastEvent, type ChatTurns, type Generated, type TurnEvent } from '../../../chat-service/index.js';
import { ApiError, codeOf, describeError, paramOf, toOpenAiError } from '../../../errors/index.js';
import { sseResponse, type SseEncoder, type SseFrame } from '../../../streaming/index.js';
import { parseBody, refuse, requireActiveModel } from '../endpoint-support/index.js';
import { toFinishReason } from '../to-openai.js';

/** OpenAI's default for this endpoint: short, because a completion has no natural end like a chat reply. */
export const DEFAULT_COMPLETION_TOKENS = 16;
const MAX_PROMPTS = 16;

function completionsSchema(limits: AppDeps['config']['limits']) {
  const prompt = v.pipe(v.string(), v.maxLength(limits.maxMessageLength));
  const stop = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
  return v.object({
    model: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
    prompt: v.union([prompt, v.pipe(v.array(prompt), v.minLength(1), v.maxLength(MAX_PROMPTS))]),
    max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(limits.maxTokens))),
    temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
    top_p: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    n: v.optional(v.pipe(v.number(), v.integer())),
    best_of: v.optional(v.pipe(v.number(), v.integer())),
    stream: v.optional(v.boolean()),
    stream_options: v.optional(v.strictObject({ include_usage: v.optional(v.boolean()) })),
    stop: v.optional(v.union([stop, v.pipe(v.array(stop), v.maxLength(limits.maxStopSequences))])),
    seed: v.optional(SeedSchema),
    echo: v.optional(v.boolean()),
    frequency_penalty: v.optional(PenaltySchema),
    presence_penalty: v.optional(PenaltySchema),
    logit_bias: v.optional(LogitBiasSchema),
    suffix: v.optional(v.string()),
    user: v.optional(v.pipe(v.string(), v.maxLength(256))),
  });
}

type CompletionsBody = v.InferOutput<ReturnType<typeof completionsSchema>>;

const REFUSED = {
  logprobs: 'token log-probabilities are not available from this runtime',
};

/** Values that parse but cannot be honoured: a 400 naming the field. */
function checkSupported(body: CompletionsBody): void {
  if (body.n !== undefined && body.n !== 1) refuse('n', 'Only n=1 is supported');
  if (body.best_of !== undefined && body.best_of !== 1) refuse('best_of', 'Only best_of=1 is supported');
  if (body.suffix) refuse('suffix', "'suffix' (fill in the middle) is not supported");
  if (body.stream_options && !body.stream) refuse('stream_options', "'stream_options' needs 'stream': true");
}

function toParams(body: CompletionsBody): GenerationParams {
  const params: GenerationParams = { max_tokens: body.max_tokens ?? DEFAULT_COMPLETION_TOKENS };
  if (body.temperature !== undefined) params.temperature = body.temperature;
  if (body.top_p !== undefined) params.top_p = body.top_p;
  if (body.seed !== undefined) params.seed = body.seed;
  if (body.stop !== undefined) params.stop = Array.isArray(body.stop) ? body.stop : [body.stop];
  if (body.frequency_penalty !== undefined) params.frequency_penalty = body.frequency_penalty;
  if (body.presence_penalty !== undefined) params.presence_penalty = body.presence_penalty;
  if (body.logit_bias && Object.keys(body.logit_bias).length > 0) params.logit_bias = body.logit_bias;
  return params;
}

function usageOf(results: readonly { stats: GenerationStats }[]) {
  const prompt = results.reduce((sum, r) => sum + r.stats.prompt_tokens, 0);
  const completion = results.reduce((sum, r) => sum + r.stats.completion_tokens, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** `POST /v1/completions`, streaming (SSE, `[DONE]` last) or not; one choice per prompt, generated in turn. */
export function completionRoutes(deps: AppDeps, turns: ChatTurns) {
  const schema = completionsSchema(deps.config.limits);
  return new Hono<AppEnv>().post('/completions', async (c) => {
    const body = await parseBody(c, schema, REFUSED);
    checkSupported(body);
    // OpenAI uses `user` to trace abuse to an end user; here it goes to the log with the caller.
    if (body.user)
      deps.logger?.info({ user_id: c.var.principal.userId, end_user: body.user }, 'completion for an end user');
    const runtime = turns.availableRuntime();
    await requireActiveModel(runtime, body.model);
    const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
    const params = toParams(body);
    const complete = (prompt: string, signal: AbortSignal) =>
      turns.generation(signal, (s, emit) =>
        runComplete(runtime, { prompt, params, signal: s, onToken: (text) => emit({ type: 'token', text }) }),
      );
    const id = `cmpl-${randomUUID().replaceAll('-', '')}`;
    const created = Math.floor(Date.now() / 1000);
    const echo = (i: number) => (body.echo ? prompts[i]! : '');

    if (!body.stream) {
      const results: Generated[] = [];
      for (const prompt of prompts) results.push(await lastEvent(complete(prompt, c.req.raw.signal)));
      return c.json({
        id,
        object: 'text_completion',
        created,
        model: body.model,
        choices: results.map((r, index) => ({
          text: echo(index) + r.text,
          index,
          logprobs: null,
          finish_reason: toFinishReason(r.stats),
        })),
        usage: usageOf(results),
      });
    }

    const events = (signal: AbortSignal) => promptEvents(prompts, body.echo === true, signal, complete);
    return sseResponse(c, {
      events,
      encoder: textCompletionEncoder(
        { id, object: 'text_completion', created, model: body.model },
        body.stream_options?.include_usage === true,
      ),
      keepAliveMs: deps.config.keepAliveMs,
    });
  });
}

/** One event of a multi-prompt completion: the prompt's index, and its echo or a generation event. */
type PromptEvent = { index: number } & (TurnEvent | { type: 'echo'; text: string });

/** Each prompt's events in turn (its echo first); stops after an error or once the client has gone. */
async function* promptEvents(
  prompts: readonly string[],
  echo: boolean,
  signal: AbortSignal,
  run: (prompt: string, signal: AbortSignal) => AsyncIterable<TurnEvent>,
): AsyncGenerator<PromptEvent> {
  for (const [index, prompt] of prompts.entries()) {
    if (echo) yield { index, type: 'echo', text: prompt };
    for await (const event of run(prompt, signal)) {
      yield { index, ...event };
      if (event.type === 'error') return;
    }
    if (signal.aborted) return;
  }
}

/** `text_completion` chunks: text pieces, a finish chunk per prompt, usage when asked, then `[DONE]`. */
function textCompletionEncoder(
  head: { id: string; object: 'text_completion'; created: number; model: string },
  includeUsage: boolean,
): SseEncoder<PromptEvent> {
  const json = (data: unknown): SseFrame[] => [{ data: JSON.stringify(data) }];
  const chunk = (index: number, text: string, finish: string | null) =>
    json({ ...head, choices: [{ text, index, logprobs: null, finish_reason: finish }] });
  const failure = (error: unknown) => json(toOpenAiError(describeError(error)));
  const results: { stats: GenerationStats }[] = [];
  return {
    frames(event) {
      switch (event.type) {
        case 'echo':
        case 'token':
          return chunk(event.index, event.text, null);
        case 'done':
          results.push(event);
          return chunk(event.index, '', toFinishReason(event.stats));
        case 'error':
          return failure(event.error);
        default:
          return [];
      }
    },
    end: () => [...(includeUsage ? json({ ...head, choices: [], usage: usageOf(results) }) : []), { data: '[DONE]' }],
    fail: failure,
  };
}

async function runComplete(
  runtime: LlmRuntime,
  request: Parameters<LlmRuntime['complete']>[0],
): Promise<GenerateResult> {
  try {
    return await runtime.complete(request);
  } catch (error) {
    // The runtime names the field as it knows it ("input"); this endpoint calls it `prompt`.
    if (codeOf(error) === 'validation_error' && paramOf(error) === 'input')
      throw new ApiError('validation_error', `The prompt is too long: ${(error as Error).message}`, {
        param: 'prompt',
      });
    throw error;
  }
}
