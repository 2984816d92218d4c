/**
 * `POST /v1/responses` and `GET /v1/responses/{id}`: OpenAI's Responses API over stored chat turns. Every response is
 * a turn in one of the caller's sessions (searchable, visible in the web app); `previous_response_id` continues it.
 */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../../app/app-env.js';
import type { ChatTurns, OpenedTurn, TurnResult } from '../../../chat-service/index.js';
import { jsonResponse, sseResponse } from '../../../streaming/index.js';
import { parseBody, refuse, requireActiveModel } from '../endpoint-support/index.js';
import { conversationFor, requireResponse, storeEarlierInput } from './conversation.js';
import { assertCallsAnswered, fromStored, storedContent, toPrompt } from './function-items.js';
import { toGenerateToolsOf } from './function-tools.js';
import { REFUSED, responsesSchema, toInputMessages, toParams, toResponseFormat } from './request.js';
import { responseObject, statusOf, storedResponse, type OutputState, type ResponseFacts } from './response-object.js';
import { responseEncoder, type StoredTurn } from './stream-encoder.js';

/** `/v1/responses` routes. */
export function responseRoutes(deps: AppDeps, turns: ChatTurns) {
  const schema = responsesSchema(deps.config.limits);
  return new Hono<AppEnv>()
    .get('/responses/:id', async (c) => {
      const { message } = await requireResponse(deps.store, c.var.principal, c.req.param('id'), 'response_id');
      return c.json(storedResponse(message));
    })
    .post('/responses', async (c) => {
      const body = await parseBody(c, schema, REFUSED);
      if (body.stream_options && !body.stream) refuse('stream_options', "'stream_options' needs 'stream': true");
      const tools = toGenerateToolsOf(body);
      const choice = tools.generate?.choice ?? 'none';
      const format = body.text?.format ?? { type: 'text' as const };
      if (format.type !== 'text' && choice === 'auto')
        refuse(
          'text.format',
          `text.format ${format.type} cannot be combined with tool_choice 'auto' (use 'none', 'required' or a function)`,
        );
      const responseFormat = toResponseFormat(body);
      const messages = toInputMessages(body.input, deps.config.limits);
      const last = messages.at(-1);
      if (!last || !(last.toolOutputs || (last.role === 'user' && last.content !== '')))
        refuse('input', 'The last input item must be a non-empty user message or function call outputs');
      const principal = c.var.principal;
      // OpenAI uses these to trace abuse to an end user; here they go to the log with the caller.
      if (body.user || body.safety_identifier) {
        deps.logger?.info(
          { user_id: principal.userId, end_user: body.user ?? null, safety_identifier: body.safety_identifier ?? null },
          'response for an end user',
        );
      }
      // Refusals come before anything is stored; ownership first, so a foreign id is a 404 whatever the model's state.
      const previous = body.previous_response_id
        ? await requireResponse(deps.store, principal, body.previous_response_id)
        : undefined;
      assertCallsAnswered(previous && fromStored('assistant', previous.message.content), messages);
      const runtime = turns.availableRuntime();
      await requireActiveModel(runtime, body.model);
      const conversation = await conversationFor(deps.store, principal, previous);
      const session = conversation.session;
      const leafId = await storeEarlierInput(deps.store, principal, conversation, messages);
      const opened = await turns.open(principal, session.id, toParams(body), { leafId });
      // The prompt carries the stored chat's function calls and outputs as such, not as their stored text.
      const turn: OpenedTurn = {
        ...opened,
        prompt: toPrompt([...opened.history.map((m) => fromStored(m.role, m.content)), last]),
        ...(tools.generate ? { tools: tools.generate } : {}),
        ...(responseFormat ? { responseFormat } : {}),
        storedContent: (result) =>
          storedContent({ role: 'assistant', content: result.text, ...toolCallsOf(result.toolCalls) }),
      };
      const message = storedContent(last);
      const facts = (messageId: string): ResponseFacts => ({
        messageId,
        createdAt: Math.floor(Date.now() / 1000),
        model: body.model,
        instructions: body.instructions ?? null,
        previousResponseId: body.previous_response_id ?? null,
        maxOutputTokens: body.max_output_tokens ?? null,
        temperature: body.temperature ?? null,
        topP: body.top_p ?? null,
        format,
        sessionId: session.id,
        tools: tools.settings,
      });

      // The turn's events, written by the one writer: as one response object, or as the Responses API's stream.
      const events = (signal: AbortSignal) => turns.stream(principal, turn, message, signal);
      if (!body.stream) {
        return jsonResponse(c, {
          events,
          body: (event) =>
            event.type === 'done' && event.turn
              ? responseObject(facts(event.turn.assistant_message.id), finalState(event.turn))
              : undefined,
        });
      }
      return sseResponse(c, {
        events,
        encoder: responseEncoder({ factsFor: facts, finalState, eagerMessage: !tools.generate }),
        keepAliveMs: deps.config.keepAliveMs,
      });
    });
}

function toolCallsOf(calls: TurnResult['toolCalls']) {
  return calls?.length ? { toolCalls: calls } : {};
}

/** The response's output as stored: the reply's text and its function calls. */
function finalState(result: StoredTurn): OutputState {
  const stats = result.stats;
  const stored = fromStored('assistant', result.assistant_message.content);
  return {
    status: statusOf(stats),
    text: stored.content,
    ...toolCallsOf(stored.toolCalls),
    usage: { input: stats.prompt_tokens, output: stats.completion_tokens, cached: stats.cached_tokens ?? 0 },
  };
}
