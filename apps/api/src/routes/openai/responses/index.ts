/**
 * `POST /v1/responses` and `GET /v1/responses/{id}`: OpenAI's Responses API over stored chat turns. Every response is
 * a turn in one of the caller's sessions (searchable, visible in the web app); `previous_response_id` continues it.
 */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../../app/app-env.js';
import type { ChatTurns } from '../../../chat-service/index.js';
import { sseResponse } from '../../../streaming/index.js';
import { parseBody, refuse, requireActiveModel } from '../endpoint-support/index.js';
import { conversationFor, requireResponse, storeEarlierInput } from './conversation.js';
import { REFUSED, responsesSchema, toInputMessages, toParams } from './request.js';
import { responseObject, storedResponse, type ResponseFacts } from './response-object.js';
import { finalState, responseEncoder } from './stream-encoder.js';

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
      const messages = toInputMessages(body.input, deps.config.limits);
      const last = messages.at(-1);
      if (last?.role !== 'user' || last.content === '')
        refuse('input', 'The last input message must be a non-empty user message');
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
      const runtime = turns.availableRuntime();
      await requireActiveModel(runtime, body.model);
      const conversation = await conversationFor(deps.store, principal, previous);
      const session = conversation.session;
      const leafId = await storeEarlierInput(deps.store, principal, conversation, messages);
      const turn = await turns.prepare(principal, session.id, toParams(body), { leafId });
      const facts = (messageId: string): ResponseFacts => ({
        messageId,
        createdAt: Math.floor(Date.now() / 1000),
        model: body.model,
        instructions: body.instructions ?? null,
        previousResponseId: body.previous_response_id ?? null,
        maxOutputTokens: body.max_output_tokens ?? null,
        temperature: body.temperature ?? null,
        topP: body.top_p ?? null,
        format: body.text?.format?.type ?? 'text',
        sessionId: session.id,
      });

      if (!body.stream) {
        const result = await turns.run(principal, turn, last.content, c.req.raw.signal);
        return c.json(responseObject(facts(result.assistant_message.id), finalState(result)));
      }
      return sseResponse(c, {
        events: (signal) => turns.stream(principal, turn, last.content, signal),
        encoder: responseEncoder(facts),
        keepAliveMs: deps.config.keepAliveMs,
      });
    });
}
