/**
 * Ollama's API for apps that speak only it: `/`, `/api/version`, `/api/tags`, `/api/show`, `/api/chat`,
 * `/api/generate`, `/api/embed` and `/api/embeddings`. Mounted at `/ollama` and reachable only through the
 * OLLAMA_PORT listener (see listener.ts), behind the same authentication, ownership checks and rate limits.
 */
import { Hono } from 'hono';
import * as v from 'valibot';
import type { GenerationParams } from '@chat-studio/protocol';
import type { GenerateMessage, GenerateTools, LlmRuntime } from '@chat-studio/llm-runtime';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import type { ChatTurns, Generated } from '../../chat-service/index.js';
import { ApiError } from '../../errors/index.js';
import { requireSession } from '../../ownership/index.js';
import { parseBody, refuse } from '../openai/endpoint-support/index.js';
import { embeddingModels, runEmbed } from '../openai/embeddings/index.js';
import { ollamaReply, ollamaStats, type Generate } from './ndjson.js';
import { modelDetails, modelDigest, modelIdOf, ollamaName } from './model-names.js';
import { checkKeepAlive, parseOptions, refuseUnsupported, toFormat, toParams } from './request-fields.js';
import type { ResponseFormat } from '@chat-studio/llm-runtime';
import { ollamaToolCallSchema, toOllamaPrompt, toOllamaTools, toOllamaToolCalls } from './tools.js';

/** The Ollama API release whose request and reply shapes these routes follow. */
export const OLLAMA_API_VERSION = '0.9.0';
const SESSION_HEADER = 'x-chat-session-id';

/** Set but unsupported generation fields, refused by name (false, empty and null mean "not set"). */
const UNSUPPORTED = {
  think: 'the models served here do not think out loud',
  images: 'images are not supported',
  suffix: 'fill in the middle is not supported',
  template: 'the chat template comes from the model file',
  context: "the deprecated 'context' tokens are not supported; send the conversation as /api/chat messages",
};

const name = v.pipe(v.string(), v.minLength(1), v.maxLength(300));
const unset = v.optional(v.unknown());

function chatSchema(maxLength: number) {
  const message = v.strictObject({
    role: v.picklist(['system', 'user', 'assistant', 'tool']),
    content: v.pipe(v.string(), v.maxLength(maxLength)),
    images: unset,
    tool_calls: v.optional(v.nullable(v.pipe(v.array(ollamaToolCallSchema), v.maxLength(128)))),
    tool_name: v.optional(v.pipe(v.string(), v.maxLength(64))),
    thinking: v.optional(v.literal('')),
  });
  return v.object({
    model: name,
    messages: v.optional(v.pipe(v.array(message), v.maxLength(10_000))),
    stream: v.optional(v.boolean()),
    options: unset,
    keep_alive: unset,
    format: unset,
    tools: unset,
    think: unset,
  });
}

function generateSchema(maxLength: number) {
  const text = v.pipe(v.string(), v.maxLength(maxLength));
  return v.object({
    model: name,
    prompt: v.optional(text),
    system: v.optional(text),
    raw: v.optional(v.boolean()),
    stream: v.optional(v.boolean()),
    options: unset,
    keep_alive: unset,
    format: unset,
    images: unset,
    suffix: unset,
    template: unset,
    context: unset,
    think: unset,
  });
}

/** The model an Ollama request names: the active model (Chat Studio runs one chat model at a time). */
async function requireChatModel(runtime: LlmRuntime, requested: string): Promise<string> {
  const id = modelIdOf(requested);
  const active = runtime.status().model_id;
  if (id === active) return id;
  const known = (await runtime.listModels()).some((m) => m.id === id);
  throw new ApiError(
    'not_found',
    known
      ? `model '${requested}' is not loaded; the active model is '${active}' (an administrator switches it with POST /api/llm/active-model)`
      : `model '${requested}' not found; the active model is '${active}'`,
  );
}

/** `/` and `/api/*` of the Ollama API. */
export function ollamaRoutes(deps: AppDeps, turns: ChatTurns) {
  const limits = deps.config.limits;
  const created = () => new Date().toISOString();
  const modifiedAt = new Date(deps.startedAt ?? Date.now()).toISOString();
  const modelsOf = async () =>
    deps.runtime ? (await deps.runtime.listModels()).filter((m) => m.status === 'available') : [];

  return new Hono<AppEnv>()
    .get('/', (c) => c.text('Ollama is running'))
    .get('/api/version', (c) => c.json({ version: OLLAMA_API_VERSION }))
    .get('/api/tags', async (c) => {
      const models = (await modelsOf()).map((m) => ({
        name: ollamaName(m.id),
        model: ollamaName(m.id),
        modified_at: modifiedAt,
        size: m.size_bytes ?? 0,
        digest: modelDigest(m),
        details: modelDetails(m),
      }));
      return c.json({ models });
    })
    .post('/api/show', async (c) => {
      const body = await parseBody(
        c,
        v.object({ model: v.optional(name), name: v.optional(name), verbose: v.optional(v.boolean()) }),
      );
      const requested = body.model ?? body.name;
      if (!requested) refuse('model', "'model' is required");
      const model = (await modelsOf()).find((m) => m.id === modelIdOf(requested));
      if (!model) throw new ApiError('not_found', `model '${requested}' not found`);
      const arch = model.architecture ?? 'unknown';
      const embeds = deps.runtime ? embeddingModels(deps.runtime).includes(model.id) : false;
      return c.json({
        modelfile: '',
        parameters: '',
        template: '',
        details: modelDetails(model),
        model_info: {
          'general.architecture': arch,
          'general.parameter_count': model.parameters ?? 0,
          ...(model.context_length ? { [`${arch}.context_length`]: model.context_length } : {}),
        },
        capabilities: embeds ? ['completion', 'embedding'] : ['completion'],
        modified_at: modifiedAt,
      });
    })
    .post('/api/chat', async (c) => {
      const body = await parseBody(c, chatSchema(limits.maxMessageLength));
      refuseUnsupported(body, UNSUPPORTED);
      checkKeepAlive(body.keep_alive);
      const messages = body.messages ?? [];
      for (const [i, m] of messages.entries()) {
        if (Array.isArray(m.images) ? m.images.length > 0 : m.images != null)
          refuse(`messages[${i}].images`, `'images' is not supported: ${UNSUPPORTED.images}`);
      }
      const tools = toOllamaTools(body.tools);
      const prompt = toOllamaPrompt(messages.map(({ tool_calls, ...m }) => (tool_calls ? { ...m, tool_calls } : m)));
      const params = toParams(parseOptions(body.options, limits));
      const sessionId = c.req.header(SESSION_HEADER);
      // A stored chat holds text turns, as on /v1.
      if (sessionId && tools)
        refuse('tools', 'tools cannot be used with X-Chat-Session-Id (stored chats hold text turns)');
      if (sessionId && prompt.some((m) => m.role === 'tool' || m.tool_calls))
        refuse('messages', 'tool calls cannot be sent with X-Chat-Session-Id');
      const format = toFormat(body.format, sessionId !== undefined);
      if (format.jsonMode) params.json_mode = true;
      // Ownership first: another user's session is a 404 whatever the model's state.
      if (sessionId) await requireSession(deps.store, c.var.principal, sessionId);
      const runtime = turns.availableRuntime();
      await requireChatModel(runtime, body.model);
      if (messages.length === 0)
        return c.json({
          model: body.model,
          created_at: created(),
          message: { role: 'assistant', content: '' },
          done_reason: 'load',
          done: true,
        });
      if (tools && (format.responseFormat || params.json_mode))
        refuse('format', 'format cannot be combined with tools (a reply is either a call or constrained text)');
      const generate = await chatGenerator(c.var.principal, sessionId, prompt, params, runtime, {
        ...(format.responseFormat ? { responseFormat: format.responseFormat } : {}),
        ...(tools ? { tools } : {}),
      });
      return ollamaReply(c, body.stream ?? true, generate, {
        piece: (text) => ({
          model: body.model,
          created_at: created(),
          message: { role: 'assistant', content: text },
          done: false,
        }),
        final: (text, stats, streamed, toolCalls) => ({
          model: body.model,
          created_at: created(),
          message: {
            role: 'assistant',
            content: streamed ? '' : text,
            ...(toolCalls?.length ? { tool_calls: toOllamaToolCalls(toolCalls) } : {}),
          },
          done: true,
          ...ollamaStats(stats),
        }),
        calls: (toolCalls) => ({
          model: body.model,
          created_at: created(),
          message: { role: 'assistant', content: '', tool_calls: toOllamaToolCalls(toolCalls) },
          done: false,
        }),
      });
    })
    .post('/api/generate', async (c) => {
      const body = await parseBody(c, generateSchema(limits.maxMessageLength));
      refuseUnsupported(body, UNSUPPORTED);
      checkKeepAlive(body.keep_alive);
      const raw = body.raw === true;
      if (raw && body.system !== undefined)
        refuse('system', '\'system\' cannot be combined with "raw": true (the prompt is used as written)');
      const params = toParams(parseOptions(body.options, limits));
      if (raw && body.format)
        refuse('format', 'format cannot be combined with "raw": true (the prompt is continued as written)');
      const format = toFormat(body.format, false);
      if (format.jsonMode) params.json_mode = true;
      const runtime = turns.availableRuntime();
      await requireChatModel(runtime, body.model);
      if (!body.prompt)
        return c.json({ model: body.model, created_at: created(), response: '', done: true, done_reason: 'load' });
      const prompt = body.prompt;
      const track = (
        signal: AbortSignal,
        work: (s: AbortSignal, onToken: (text: string) => void) => Promise<Generated>,
      ) => turns.generation(signal, (s, emit) => work(s, (text) => emit({ type: 'token', text })));
      const generate: Generate = raw
        ? (signal) => track(signal, (s, onToken) => runtime.complete({ prompt, params, signal: s, onToken }))
        : (signal) =>
            track(signal, (s, onToken) =>
              runtime.generate({
                messages: [{ role: 'user', content: prompt }],
                params: { ...params, ...(body.system ? { system_prompt: body.system } : {}) },
                signal: s,
                onToken,
                ...(format.responseFormat ? { responseFormat: format.responseFormat } : {}),
              }),
            );
      return ollamaReply(c, body.stream ?? true, generate, {
        piece: (text) => ({ model: body.model, created_at: created(), response: text, done: false }),
        final: (text, stats, streamed) => ({
          model: body.model,
          created_at: created(),
          response: streamed ? '' : text,
          done: true,
          ...ollamaStats(stats),
        }),
      });
    })
    .post('/api/embed', async (c) => {
      const text = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(limits.maxMessageLength));
      const body = await parseBody(
        c,
        v.object({
          model: name,
          input: v.union([text, v.pipe(v.array(text), v.minLength(1), v.maxLength(2048))]),
          truncate: v.optional(v.boolean()),
          options: unset,
          keep_alive: unset,
          dimensions: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
        }),
      );
      checkKeepAlive(body.keep_alive);
      if (
        body.options !== undefined &&
        (typeof body.options !== 'object' || Object.keys(body.options as object).length > 0)
      )
        refuse('options', 'no model options apply to embeddings');
      const runtime = embedRuntime(deps);
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      const result = await turns.track(c.req.raw.signal, (signal) =>
        runEmbed(runtime, modelIdOf(body.model), input, body.truncate ?? true, signal),
      );
      const size = result.vectors[0]?.length ?? 0;
      if (body.dimensions !== undefined && body.dimensions !== size)
        refuse('dimensions', `the model gives ${size} dimensions; 'dimensions' must be ${size} or unset`);
      return c.json({
        model: body.model,
        embeddings: result.vectors,
        total_duration: Math.round(result.totalMs * 1e6),
        load_duration: 0,
        prompt_eval_count: result.promptTokens,
      });
    })
    .post('/api/embeddings', async (c) => {
      const body = await parseBody(
        c,
        v.object({
          model: name,
          prompt: v.pipe(v.string(), v.maxLength(limits.maxMessageLength)),
          options: unset,
          keep_alive: unset,
        }),
      );
      checkKeepAlive(body.keep_alive);
      if (
        body.options !== undefined &&
        (typeof body.options !== 'object' || Object.keys(body.options as object).length > 0)
      )
        refuse('options', 'no model options apply to embeddings');
      // The legacy endpoint answers an empty prompt with an empty vector.
      if (body.prompt === '') return c.json({ embedding: [] });
      const runtime = embedRuntime(deps);
      const result = await turns.track(c.req.raw.signal, (signal) =>
        runEmbed(runtime, modelIdOf(body.model), [body.prompt], true, signal),
      );
      return c.json({ embedding: result.vectors[0] });
    });

  /** A generation over the request's messages; with X-Chat-Session-Id, a stored turn of that (owned) session. */
  async function chatGenerator(
    principal: AppEnv['Variables']['principal'],
    sessionId: string | undefined,
    messages: GenerateMessage[],
    params: GenerationParams,
    runtime: LlmRuntime,
    extra: { responseFormat?: ResponseFormat; tools?: GenerateTools },
  ): Promise<Generate> {
    const last = messages.at(-1);
    if (sessionId) {
      if (last?.role !== 'user') refuse('messages', 'With X-Chat-Session-Id the last message must be from the user');
      const turn = await turns.open(principal, sessionId, params);
      // Tool messages were refused with the session header, so every message here is a text one.
      const history = messages
        .slice(0, -1)
        .map((m) => ({ role: m.role === 'tool' ? 'user' : m.role, content: m.content }));
      const stored = { ...turn, history, params: { ...turn.params, ...params } };
      return (signal) => turns.stream(principal, stored, last.content, signal);
    }
    return (signal) =>
      turns.generation(signal, (s, emit) =>
        runtime.generate({
          messages,
          params,
          signal: s,
          onToken: (text) => void emit({ type: 'token', text }),
          ...extra,
        }),
      );
  }
}

function embedRuntime(deps: AppDeps): LlmRuntime {
  if (!deps.runtime)
    throw new ApiError('chat_unavailable', 'Chat service is not available: no model runtime is configured');
  return deps.runtime;
}
