/**
 * `POST /v1/responses` and `GET /v1/responses/{id}`: OpenAI's Responses API over stored chat turns. Every response is
 * a turn in one of the caller's sessions (searchable, visible in the web app); `previous_response_id` continues it.
 */
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AppDeps, AppEnv } from '../../../app/app-env.js';
import type { ChatTurns, TurnResult } from '../../../chat-service/index.js';
import { parseBody, refuse, requireActiveModel } from '../endpoint-support/index.js';
import { conversationFor, requireResponse, storeEarlierInput } from './conversation.js';
import { REFUSED, responsesSchema, toInputMessages, toParams, type ResponsesBody } from './request.js';
import { outputMessage, outputText, responseObject, statusOf, storedResponse, type OutputState, type ResponseFacts } from './response-object.js';

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
      if (!last || last.role !== 'user' || last.content === '') refuse('input', 'The last input message must be a non-empty user message');
      const runtime = turns.availableRuntime();
      await requireActiveModel(runtime, body.model);
      const principal = c.var.principal;
      // Refusals (a foreign previous_response_id, a busy queue) come before anything is stored.
      const session = await conversationFor(deps.store, principal, body.previous_response_id);
      await storeEarlierInput(deps.store, principal, session, messages);
      const turn = await turns.prepare(principal, session.id, toParams(body));
      const facts = (messageId: string): ResponseFacts => ({
        messageId,
        createdAt: Math.floor(Date.now() / 1000),
        model: body.model,
        instructions: body.instructions ?? null,
        previousResponseId: body.previous_response_id ?? null,
        maxOutputTokens: body.max_output_tokens ?? null,
        temperature: body.temperature ?? null,
        topP: body.top_p ?? null,
        sessionId: session.id,
      });

      if (!body.stream) {
        const result = await turns.run(principal, turn, last.content, c.req.raw.signal);
        return c.json(responseObject(facts(result.assistant_message.id), finalState(result)));
      }
      c.header('Cache-Control', 'no-cache, no-transform');
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, (stream) => streamTurn(stream, body, (signal, hooks) => turns.run(principal, turn, last.content, signal, hooks), facts));
    });
}

function finalState(result: TurnResult): OutputState {
  const stats = result.stats;
  return {
    status: statusOf(stats),
    text: result.assistant_message.content,
    usage: { input: stats.prompt_tokens, output: stats.completion_tokens, cached: stats.cached_tokens ?? 0 },
  };
}

type RunTurn = (signal: AbortSignal, hooks: { onStart: (info: { assistantMessageId: string }) => Promise<void>; onToken: (text: string) => void }) => Promise<TurnResult>;

/**
 * The documented event sequence: response.created, response.in_progress, response.output_item.added,
 * response.content_part.added, response.output_text.delta…, response.output_text.done, response.content_part.done,
 * response.output_item.done, then response.completed (or response.incomplete at max_output_tokens, or
 * response.failed). Each event carries its `sequence_number`.
 */
async function streamTurn(stream: SSEStreamingApi, _body: ResponsesBody, run: RunTurn, factsFor: (messageId: string) => ResponseFacts): Promise<void> {
  const controller = new AbortController();
  stream.onAbort(() => controller.abort());
  let sequence = 0;
  let writes: Promise<unknown> = Promise.resolve();
  const send = (type: string, payload: Record<string, unknown>) => {
    const data = JSON.stringify({ type, sequence_number: sequence++, ...payload });
    writes = writes.then(() => stream.writeSSE({ event: type, data }));
    return writes;
  };
  let facts: ResponseFacts | undefined;
  let text = '';
  const at = () => ({ item_id: `msg_${facts!.messageId}`, output_index: 0, content_index: 0 });
  try {
    const result = await run(controller.signal, {
      onStart: async ({ assistantMessageId }) => {
        facts = factsFor(assistantMessageId);
        const begun = responseObject(facts, { status: 'in_progress', text: '', usage: null });
        void send('response.created', { response: begun });
        void send('response.in_progress', { response: begun });
        void send('response.output_item.added', { output_index: 0, item: outputMessage(facts.messageId, '', 'in_progress') });
        await send('response.content_part.added', { ...at(), part: outputText('') });
      },
      onToken: (delta) => {
        text += delta;
        void send('response.output_text.delta', { ...at(), delta, logprobs: [] });
      },
    });
    await writes;
    if (controller.signal.aborted || !facts) return;
    const state = finalState(result);
    void send('response.output_text.done', { ...at(), text: state.text, logprobs: [] });
    void send('response.content_part.done', { ...at(), part: outputText(state.text) });
    void send('response.output_item.done', { output_index: 0, item: outputMessage(facts.messageId, state.text, state.status === 'completed' ? 'completed' : 'incomplete') });
    await send(state.status === 'completed' ? 'response.completed' : state.status === 'failed' ? 'response.failed' : 'response.incomplete', { response: responseObject(facts, state) });
  } catch (err) {
    await writes.catch(() => {});
    const message = err instanceof Error ? err.message : 'generation failed';
    const code = (err as { code?: unknown }).code;
    if (facts) {
      const failed = responseObject(facts, { status: 'failed', text, usage: null, error: { code: 'server_error', message } });
      await send('response.failed', { response: failed }).catch(() => {});
    } else {
      await send('error', { code: typeof code === 'string' ? code : 'server_error', message, param: null }).catch(() => {});
    }
  }
}
