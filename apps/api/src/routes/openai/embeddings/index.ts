/** `POST /v1/embeddings`: unit vectors from the EMBEDDING_MODEL or the active local model, as float or base64. */
import { Hono } from 'hono';
import * as v from 'valibot';
import type { EmbedResult, LlmRuntime } from '@chat-studio/llm-runtime';
import type { AppDeps, AppEnv } from '../../../app/app-env.js';
import type { ChatTurns } from '../../../chat-service/index.js';
import { ApiError, codeOf, paramOf } from '../../../errors/index.js';
import { parseBody, refuse } from '../endpoint-support/index.js';

/** OpenAI's own bound on inputs per request. */
const MAX_INPUTS = 2048;

const tokenIds = v.array(v.pipe(v.number(), v.integer(), v.minValue(0)));

function embeddingsSchema(maxLength: number) {
  const text = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(maxLength));
  return v.object({
    model: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
    input: v.union([
      text,
      v.pipe(v.array(text), v.minLength(1), v.maxLength(MAX_INPUTS)),
      v.pipe(tokenIds, v.minLength(1)),
      v.pipe(v.array(v.pipe(tokenIds, v.minLength(1))), v.minLength(1), v.maxLength(MAX_INPUTS)),
    ]),
    encoding_format: v.optional(v.picklist(['float', 'base64'])),
    dimensions: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    user: v.optional(v.pipe(v.string(), v.maxLength(256))),
  });
}

type Input = v.InferOutput<ReturnType<typeof embeddingsSchema>>['input'];

/** One list of inputs: a string or a token array is one input; an array of them is many. */
export function toInputList(input: Input): (string | number[])[] {
  if (typeof input === 'string') return [input];
  if (input.length > 0 && typeof input[0] === 'number') return [input as number[]];
  return input as (string | number[])[];
}

/** Little-endian float32 bytes in base64 (float output is rounded to float32 too, so both forms agree exactly), the form OpenAI's SDKs ask for by default and decode. */
export function toBase64(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** The models that embed here: EMBEDDING_MODEL, and the active local chat model. */
export function embeddingModels(runtime: LlmRuntime): string[] {
  const dedicated = runtime.embeddingStatus()?.model_id;
  const active = runtime.unavailableReason() === null ? runtime.status().model_id : null;
  return [...new Set([dedicated, active].filter((id): id is string => !!id))];
}

/** Runs an embedding request, with the runtime's refusals as 400/404s that name the field. */
export async function runEmbed(
  runtime: LlmRuntime,
  model: string,
  input: (string | number[])[],
  truncate: boolean,
  signal: AbortSignal,
): Promise<EmbedResult> {
  const models = embeddingModels(runtime);
  const reason = runtime.unavailableReason();
  if (!models.includes(model) && reason)
    throw new ApiError('chat_unavailable', `Chat service is not available: ${reason}`);
  if (!models.includes(model)) {
    throw new ApiError(
      'not_found',
      `The model '${model}' does not embed here; use ${models.length ? models.map((m) => `'${m}'`).join(' or ') : 'the active model once it is loaded'}`,
      { param: 'model', openai_code: 'model_not_found' },
    );
  }
  try {
    return await runtime.embed({ model, input, truncate, signal });
  } catch (error) {
    // An input the runtime refuses (too long, empty) names `input`; a model that cannot embed names `model`.
    if (codeOf(error) === 'validation_error') {
      throw new ApiError('validation_error', (error as Error).message, { param: paramOf(error) ?? 'input' });
    }
    throw error;
  }
}

/** `POST /v1/embeddings` */
export function embeddingRoutes(deps: AppDeps, turns: ChatTurns) {
  const schema = embeddingsSchema(deps.config.limits.maxMessageLength);
  return new Hono<AppEnv>().post('/embeddings', async (c) => {
    const body = await parseBody(c, schema);
    // OpenAI uses `user` to trace abuse to an end user; here it goes to the log with the caller.
    if (body.user)
      deps.logger?.info({ user_id: c.var.principal.userId, end_user: body.user }, 'embeddings for an end user');
    if (!deps.runtime)
      throw new ApiError('chat_unavailable', 'Chat service is not available: no model runtime is configured');
    const runtime = deps.runtime;
    const input = toInputList(body.input);
    const result = await turns.track(c.req.raw.signal, (signal) => runEmbed(runtime, body.model, input, false, signal));
    const size = result.vectors[0]?.length ?? 0;
    if (body.dimensions !== undefined && body.dimensions !== size) {
      refuse(
        'dimensions',
        `The model '${body.model}' gives ${size} dimensions; it cannot shorten them, so 'dimensions' must be ${size} or unset`,
      );
    }
    const base64 = body.encoding_format === 'base64';
    return c.json({
      object: 'list',
      data: result.vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? toBase64(vector) : vector.map(Math.fround),
      })),
      model: result.modelId,
      usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
    });
  });
}
