/** `POST /v1/completions`: OpenAI's legacy text completion, a plain continuation of each prompt (no chat template). */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as v from 'valibot';
import type { GenerationParams, GenerationStats } from '@chat-studio/protocol';
import type { GenerateResult, LlmRuntime } from '@chat-studio/llm-runtime';
import type { AppDeps, AppEnv } from '../../../app/app-env.js';
import type { ChatTurns } from '../../../chat-service/index.js';
import { ApiError } from '../../../errors/index.js';
import { observeGeneration } from '../../../observability/index.js';
import { parseBody, refuse, requireActiveModel } from '../endpoint-support/index.js';
import { toFinishReason } from '../to-openai.js';

/** OpenAI's default for this endpoint: short, because a completion has no natural end like a chat reply. */
export const DEFAULT_COMPLETION_TOKENS = 16;
const MAX_PROMPTS = 16;

function completionsSchema(limits: AppDeps['config']['limits']) {
  const prompt = v.pipe(v.string(), v.maxLength(limits.maxMessageLength));
  const stop = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
  const penalty = v.pipe(v.number(), v.minValue(-2), v.maxValue(2));
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
    seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))),
    echo: v.optional(v.boolean()),
    frequency_penalty: v.optional(penalty),
    presence_penalty: v.optional(penalty),
    logit_bias: v.optional(v.record(v.string(), v.number())),
    suffix: v.optional(v.string()),
  });
}

type CompletionsBody = v.InferOutput<ReturnType<typeof completionsSchema>>;

const REFUSED = {
  logprobs: 'token log-probabilities are not available from this runtime',
  user: 'requests are attributed to the authenticated user',
};

/** Values that parse but cannot be honoured: a 400 naming the field. */
function checkSupported(body: CompletionsBody): void {
  if (body.n !== undefined && body.n !== 1) refuse('n', 'Only n=1 is supported');
  if (body.best_of !== undefined && body.best_of !== 1) refuse('best_of', 'Only best_of=1 is supported');
  if (body.logit_bias && Object.keys(body.logit_bias).length > 0) refuse('logit_bias', "'logit_bias' is not supported on /v1/completions");
  if (body.suffix) refuse('suffix', "'suffix' (fill in the middle) is not supported");
  if (body.stream_options && !body.stream) refuse('stream_options', "'stream_options' needs 'stream': true");
}

function toParams(body: CompletionsBody): GenerationParams {
  const params: GenerationParams = { max_tokens: body.max_tokens ?? DEFAULT_COMPLETION_TOKENS };
  if (body.temperature !== undefined) params.temperature = body.temperature;
  if (body.top_p !== undefined) params.top_p = body.top_p;
  if (body.seed !== undefined) params.seed = body.seed;
  if (body.stop !== undefined) params.stop = Array.isArray(body.stop) ? body.stop : [body.stop];
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
    const runtime = turns.availableRuntime();
    await requireActiveModel(runtime, body.model);
    const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
    const params = toParams(body);
    const penalties = {
      ...(body.frequency_penalty !== undefined ? { frequency: body.frequency_penalty } : {}),
      ...(body.presence_penalty !== undefined ? { presence: body.presence_penalty } : {}),
    };
    const complete = (prompt: string, signal: AbortSignal, onToken: (text: string) => void) =>
      turns.track(signal, (s) => runComplete(runtime, deps, { prompt, params, penalties, signal: s, onToken }));
    const id = `cmpl-${randomUUID().replaceAll('-', '')}`;
    const created = Math.floor(Date.now() / 1000);
    const echo = (i: number) => (body.echo ? prompts[i]! : '');

    if (!body.stream) {
      const results: GenerateResult[] = [];
      for (const prompt of prompts) results.push(await complete(prompt, c.req.raw.signal, () => {}));
      return c.json({
        id,
        object: 'text_completion',
        created,
        model: body.model,
        choices: results.map((r, index) => ({ text: echo(index) + r.text, index, logprobs: null, finish_reason: toFinishReason(r.stats) })),
        usage: usageOf(results),
      });
    }

    c.header('Cache-Control', 'no-cache, no-transform');
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const controller = new AbortController();
      stream.onAbort(() => controller.abort());
      const chunk = (index: number, text: string, finish: string | null) => ({
        id,
        object: 'text_completion',
        created,
        model: body.model,
        choices: [{ text, index, logprobs: null, finish_reason: finish }],
      });
      const write = (data: unknown) => stream.writeSSE({ data: typeof data === 'string' ? data : JSON.stringify(data) });
      const results: GenerateResult[] = [];
      try {
        for (const [index, prompt] of prompts.entries()) {
          let writes: Promise<unknown> = body.echo ? write(chunk(index, prompt, null)) : Promise.resolve();
          const result = await complete(prompt, controller.signal, (text) => {
            writes = writes.then(() => write(chunk(index, text, null)));
          });
          await writes;
          if (controller.signal.aborted) return;
          results.push(result);
          await write(chunk(index, '', toFinishReason(result.stats)));
        }
      } catch (err) {
        const message = err instanceof Error ? err.message : 'generation failed';
        await write({ error: { message, type: 'server_error', param: null, code: null } }).catch(() => {});
        return;
      }
      if (body.stream_options?.include_usage) {
        await write({ id, object: 'text_completion', created, model: body.model, choices: [], usage: usageOf(results) });
      }
      await write('[DONE]');
    });
  });
}

async function runComplete(runtime: LlmRuntime, deps: AppDeps, request: Parameters<LlmRuntime['complete']>[0]): Promise<GenerateResult> {
  try {
    const result = await runtime.complete(request);
    if (deps.metrics) observeGeneration(result.stats, deps.metrics);
    return result;
  } catch (error) {
    if (error instanceof Error && error.name === 'InputTooLongError') throw new ApiError('validation_error', `The prompt is too long: ${error.message}`, { param: 'prompt' });
    if (error instanceof Error && error.name === 'UnsupportedOperationError') throw new ApiError('validation_error', error.message, { param: 'model' });
    throw error;
  }
}
