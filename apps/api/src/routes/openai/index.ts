/** OpenAI-compatible /v1: models and chat completions, streaming or not. */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import {
  openAiChatRequestSchema,
  type GenerationStats,
  type OpenAiChatCompletion,
  type OpenAiChatCompletionChunk,
  type OpenAiModel,
} from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import type { ChatTurns, PreparedTurn, TurnHooks } from '../../chat-service/index.js';
import { ApiError } from '../../errors/index.js';
import { jsonBody } from '../../middleware/validate/index.js';
import { observeGeneration } from '../../observability/index.js';
import { toFinishReason, toGenerationParams, toPromptMessages, toUsage } from './to-openai.js';

const SESSION_HEADER = 'x-chat-session-id';

/** `/v1`: OpenAI-compatible models and chat completions, streaming and not. */
export function openAiRoutes(deps: AppDeps, turns: ChatTurns) {
  const schema = openAiChatRequestSchema(deps.config.limits);

  return new Hono<AppEnv>()
    .get('/models', async (c) => {
      const models = deps.runtime ? await deps.runtime.listModels() : [];
      const created = Math.floor((deps.startedAt ?? Date.now()) / 1000);
      const data: OpenAiModel[] = models
        .filter((m) => m.status === 'available')
        .map((m) => ({ id: m.id, object: 'model', created, owned_by: m.provider }));
      return c.json({ object: 'list', data });
    })
    .post('/chat/completions', async (c) => {
      const body = await jsonBody(c, schema);
      const params = toGenerationParams(body);
      const messages = toPromptMessages(body.messages);
      const principal = c.var.principal;
      const sessionId = c.req.header(SESSION_HEADER);
      const last = messages.at(-1);
      // With a session header the exchange is stored like a chat from the UI; the client's own messages are the
      // prompt. Ownership is checked before anything else, so a foreign session reads as missing.
      let stored: { turn: PreparedTurn; message: string } | undefined;
      if (sessionId) {
        if (!last || last.role !== 'user') {
          throw new ApiError('validation_error', 'With X-Chat-Session-Id the last message must be from the user', { param: 'messages' });
        }
        const turn = await turns.prepare(principal, sessionId, params);
        stored = { turn: { ...turn, history: messages.slice(0, -1), params: { ...turn.params, ...params } }, message: last.content };
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

      const generate = (signal: AbortSignal, onToken: (t: string) => void, hooks: TurnHooks = {}) =>
        stored
          ? turns.run(principal, stored.turn, stored.message, signal, { ...hooks, onToken }).then((r) => ({ text: r.assistant_message.content, stats: r.stats }))
          : turns.track(signal, async (s) => {
              const result = await runtime.generate({ messages, params, signal: s, onToken });
              if (deps.metrics) observeGeneration(result.stats, deps.metrics);
              return result;
            });

      const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
      const created = Math.floor(Date.now() / 1000);
      const model = body.model;

      if (!body.stream) {
        const result = await generate(c.req.raw.signal, () => {});
        const completion: OpenAiChatCompletion = {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, finish_reason: toFinishReason(result.stats), logprobs: null }],
          usage: toUsage(result.stats),
        };
        return c.json(completion);
      }

      const includeUsage = body.stream_options?.include_usage === true;
      c.header('Cache-Control', 'no-cache, no-transform');
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        const controller = new AbortController();
        stream.onAbort(() => controller.abort());
        const chunk = (delta: OpenAiChatCompletionChunk['choices'][number]['delta'], finish: OpenAiChatCompletionChunk['choices'][number]['finish_reason'] = null): OpenAiChatCompletionChunk => ({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
          ...(includeUsage ? { usage: null } : {}),
        });
        const write = (data: unknown) => stream.writeSSE({ data: typeof data === 'string' ? data : JSON.stringify(data) });
        let writes: Promise<unknown> = write(chunk({ role: 'assistant', content: '' }));
        let stats: GenerationStats;
        try {
          ({ stats } = await generate(controller.signal, (text) => {
            writes = writes.then(() => write(chunk({ content: text })));
          }));
          await writes;
        } catch (err) {
          await writes.catch(() => {});
          const message = err instanceof Error ? err.message : 'generation failed';
          await write({ error: { message, type: 'server_error', param: null, code: null } }).catch(() => {});
          return;
        }
        if (controller.signal.aborted) return;
        await write(chunk({}, toFinishReason(stats)));
        if (includeUsage) {
          await write({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: toUsage(stats) });
        }
        await write('[DONE]');
      });
    });
}
