/** OpenAI-compatible /v1: models and chat completions, streaming or not, with tools and structured output. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { GenerateRequest } from '@chat-studio/llm-runtime';
import { openAiChatRequestSchema, type OpenAiChatRequest, type OpenAiModel } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import type { ChatTurns, OpenedTurn } from '../../chat-service/index.js';
import { ApiError } from '../../errors/index.js';
import { jsonBody } from '../../middleware/validate/index.js';
import { assertFieldPolicy, refuse } from './field-policy/index.js';
import { sendCompletion, streamCompletion, type CompletionEvents } from './send-completion.js';
import { toGenerationParams, toPromptMessages, toResponseFormat } from './to-openai.js';
import { toGenerateTools } from './tools/index.js';

const SESSION_HEADER = 'x-chat-session-id';

/** `/v1`: OpenAI-compatible models and chat completions, streaming and not. */
export function openAiRoutes(deps: AppDeps, turns: ChatTurns) {
  const schema = openAiChatRequestSchema(deps.config.limits);
  const created = () => Math.floor((deps.startedAt ?? Date.now()) / 1000);
  const toModel = (m: { id: string; provider: string }): OpenAiModel => ({
    id: m.id,
    object: 'model',
    created: created(),
    owned_by: m.provider,
  });

  return new Hono<AppEnv>()
    .get('/models', async (c) => {
      const models = deps.runtime ? await deps.runtime.listModels() : [];
      return c.json({ object: 'list', data: models.filter((m) => m.status === 'available').map(toModel) });
    })
    .get('/models/:model', async (c) => {
      const id = c.req.param('model');
      const model = (deps.runtime ? await deps.runtime.listModels() : []).find(
        (m) => m.id === id && m.status === 'available',
      );
      if (!model)
        throw new ApiError('not_found', `The model '${id}' does not exist`, {
          param: 'model',
          openai_code: 'model_not_found',
        });
      return c.json(toModel(model));
    })
    .post('/chat/completions', async (c) => {
      const body = await openAiBody(c, schema);
      const sessionId = c.req.header(SESSION_HEADER);
      assertFieldPolicy(body, sessionId !== undefined);
      const params = toGenerationParams(body);
      const tools = toGenerateTools(body);
      const responseFormat = toResponseFormat(body);
      const messages = toPromptMessages(body.messages);
      const principal = c.var.principal;
      // OpenAI uses these to trace abuse to an end user; here they go to the log with the caller.
      if (body.user || body.safety_identifier) {
        deps.logger?.info(
          { user_id: principal.userId, end_user: body.user ?? null, safety_identifier: body.safety_identifier ?? null },
          'chat completion for an end user',
        );
      }
      const last = messages.at(-1);
      // With a session header the exchange is stored like a chat from the UI; the client's own messages are the
      // prompt. Ownership is checked before anything else, so a foreign session reads as missing.
      let stored: { turn: OpenedTurn; message: string } | undefined;
      if (sessionId) {
        if (last?.role !== 'user') {
          throw new ApiError('validation_error', 'With X-Chat-Session-Id the last message must be from the user', {
            param: 'messages',
          });
        }
        const turn = await turns.open(principal, sessionId, params);
        // A stored chat holds text turns: tool calls and schemas have no place in it yet.
        if (tools) refuse('tools', 'tools cannot be used with X-Chat-Session-Id (stored chats hold text turns)');
        if (responseFormat)
          refuse('response_format', 'json_schema cannot be used with X-Chat-Session-Id (json_object can)');
        if (messages.some((m) => m.role === 'tool' || m.tool_calls))
          refuse('messages', 'tool calls cannot be sent with X-Chat-Session-Id');
        const history = messages
          .slice(0, -1)
          .map((m) => ({ role: m.role === 'tool' ? 'user' : m.role, content: m.content }));
        stored = { turn: { ...turn, history, params: { ...turn.params, ...params } }, message: last.content };
      }
      const runtime = stored?.turn.runtime ?? turns.availableRuntime();
      const active = runtime.status().model_id;
      if (body.model !== active) {
        const known = (await runtime.listModels()).some((m) => m.id === body.model);
        throw new ApiError(
          'not_found',
          known
            ? `The model '${body.model}' is not loaded; the active model is '${active}' (switch with POST /api/llm/active-model)`
            : `The model '${body.model}' does not exist; the active model is '${active}'`,
          { param: 'model', openai_code: 'model_not_found' },
        );
      }
      // prompt_cache_key routes requests to the same sequence, so their shared prefix stays in its KV cache.
      const sessionKey = body.prompt_cache_key ? `openai:${principal.userId}:${body.prompt_cache_key}` : undefined;

      const events: CompletionEvents = (signal) =>
        stored
          ? turns.stream(principal, stored.turn, stored.message, signal)
          : turns.generation(signal, (s, emit) => {
              // OpenAI's max_tokens never runs past the context: the reply ends with `length` where the context is full.
              const request: GenerateRequest = {
                messages,
                params,
                signal: s,
                onToken: (text) => emit({ type: 'token', text }),
                fitToContext: true,
              };
              if (tools) {
                request.tools = tools;
                request.onToolCall = (delta) => emit({ type: 'tool_call', delta });
              }
              if (responseFormat) request.responseFormat = responseFormat;
              if (sessionKey) request.sessionKey = sessionKey;
              return runtime.generate(request);
            });

      const ids = {
        id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
        created: Math.floor(Date.now() / 1000),
        model: body.model,
      };
      return body.stream
        ? streamCompletion(c, ids, body.stream_options?.include_usage === true, events, deps.config.keepAliveMs)
        : sendCompletion(c, ids, events);
    });
}

/** The body, validated; a 400 names the first offending field as OpenAI's `param` (an unknown field included). */
async function openAiBody(c: Context, schema: ReturnType<typeof openAiChatRequestSchema>): Promise<OpenAiChatRequest> {
  try {
    return await jsonBody(c, schema);
  } catch (error) {
    const issues =
      error instanceof ApiError ? (error.details as { issues?: { path: string }[] } | undefined)?.issues : undefined;
    if (error instanceof ApiError && issues?.[0]) {
      throw new ApiError(error.code, error.message, { issues, param: issues[0].path || null });
    }
    throw error;
  }
}
