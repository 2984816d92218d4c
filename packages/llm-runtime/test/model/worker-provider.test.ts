/**
 * The llama.cpp provider in its worker thread against the in-process one, on the real model: the same replies, pieces,
 * tool calls, vectors and named errors; aborts; generation that goes on while the main thread is blocked; a clean exit.
 * (Every other suite under test/model runs through the worker too: it is the runtime's default.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaCppProvider } from '../../src/llama-cpp/index.js';
import {
  ChatUnavailableError,
  InputTooLongError,
  InvalidRequestError,
  ModelNotFoundError,
  type GenerateRequest,
  type LlmProvider,
  type TextProvider,
  type ToolCallDelta,
} from '../../src/index.js';
import { createWorkerLlamaCppProvider, type WorkerLlamaCppProvider } from '../../src/worker-provider/index.js';
import { MODEL_ID, MODELS_DIR } from './helpers.js';

const options = { modelsDir: MODELS_DIR, threads: 1, sequences: 2, gpu: false, preloadNextTurn: false } as const;
const story = (content: string) => [{ role: 'user' as const, content }];
let worker: WorkerLlamaCppProvider;
let inProcess: LlmProvider & TextProvider;

beforeAll(async () => {
  worker = createWorkerLlamaCppProvider(options);
  inProcess = createLlamaCppProvider(options);
  await Promise.all([worker.load(MODEL_ID), inProcess.load(MODEL_ID)]);
}, 120_000);
afterAll(async () => {
  await Promise.all([worker?.close(), inProcess?.close()]);
});

/** Runs `request` on `provider`, keeping the streamed pieces and tool-call deltas in arrival order. */
async function streamed(provider: LlmProvider, request: GenerateRequest) {
  const pieces: string[] = [];
  const deltas: ToolCallDelta[] = [];
  const result = await provider.generate({
    ...request,
    onToken: (text) => pieces.push(text),
    onToolCall: (delta) => deltas.push(delta),
  });
  return { result, pieces, deltas };
}

describe('llama.cpp in a worker thread', () => {
  it('mirrors status, context size and token counts, and lists the same models', async () => {
    expect(worker.status()).toEqual(inProcess.status());
    expect(worker.status().state).toBe('ready');
    expect(worker.contextSize()).toBe(inProcess.contextSize?.());
    const text = 'Once upon a time there was a little dog.';
    expect(worker.countTokens(text)).toBe(inProcess.countTokens?.(text));
    expect(worker.countTokens(text)).toBeGreaterThan(5);
    expect(await worker.listModels()).toEqual(await inProcess.listModels());
  });

  it('generates the same reply with the same pieces in the same order as in-process', async () => {
    const request = {
      messages: story('Lily went to the park'),
      params: { max_tokens: 120, temperature: 0.8, seed: 5 },
    };
    const there = await streamed(worker, request);
    const here = await streamed(inProcess, request);
    expect(there.result.text).toBe(here.result.text);
    expect(there.pieces).toEqual(here.pieces);
    expect(there.pieces.join('')).toBe(there.result.text);
    expect(there.result.stats.completion_tokens).toBe(here.result.stats.completion_tokens);
    expect(there.result.stats.finish_reason).toBe('length');
    expect(there.result.seed).toBe(5);
    expect(worker.tokensGenerated()).toBeGreaterThanOrEqual(there.pieces.length);
  }, 60_000);

  it('streams a forced tool call and a JSON reply as in-process', async () => {
    const city = {
      type: 'object',
      properties: { city: { type: 'string', enum: ['Paris', 'Oslo'] } },
      required: ['city'],
    };
    const tools = { tools: [{ name: 'get_weather', parameters: city }], choice: { name: 'get_weather' } };
    const call = { messages: story('Weather?'), params: { max_tokens: 60, seed: 2 }, tools };
    const there = await streamed(worker, call);
    const here = await streamed(inProcess, call);
    expect(there.result.toolCalls?.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual(
      here.result.toolCalls?.map((c) => [c.name, JSON.parse(c.arguments)]),
    );
    expect(there.result.toolCalls?.[0]?.name).toBe('get_weather');
    expect(there.deltas.map((d) => d.arguments).join('')).toBe(there.result.toolCalls?.[0]?.arguments);
    const json = {
      messages: story('A dog'),
      params: { max_tokens: 60, seed: 4 },
      responseFormat: { type: 'json_object' } as const,
    };
    const reply = await streamed(worker, json);
    expect(reply.result.text).toBe((await streamed(inProcess, json)).result.text);
    expect(reply.pieces.join('')).toBe(reply.result.text);
  }, 60_000);

  it('stops a stream on abort with the text so far, and a request aborted before it is sent', async () => {
    const controller = new AbortController();
    const pieces: string[] = [];
    const result = await worker.generate({
      messages: story('Tom had a red ball'),
      params: { max_tokens: 2000, temperature: 1, seed: 9 },
      signal: controller.signal,
      onToken: (text) => {
        pieces.push(text);
        if (pieces.length === 3) controller.abort();
      },
    });
    expect(result.stats.finish_reason).toBe('abort');
    expect(result.text).toBe(pieces.join(''));
    expect(result.stats.completion_tokens).toBeLessThan(200);
    const early = await worker.generate({
      messages: story('Tom had a red ball'),
      params: { max_tokens: 200 },
      signal: AbortSignal.abort(),
    });
    expect(early.stats.finish_reason).toBe('abort');
    expect(early.stats.completion_tokens).toBe(0);
    expect(worker.status().sequences_in_use).toBe(0);
  }, 60_000);

  it('embeds the same unit vectors as in-process', async () => {
    const request = { model: MODEL_ID, input: ['a cat', 'a dog'] };
    const there = await worker.embed(request);
    const here = await inProcess.embed(request);
    expect(there.vectors).toEqual(here.vectors);
    expect(there.promptTokens).toBe(here.promptTokens);
  });

  it('throws the same named errors with their codes and fields', async () => {
    const missing = await worker.load('no-such-model').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ModelNotFoundError);
    expect(missing).toMatchObject({ code: 'not_found', modelId: 'no-such-model', name: 'ModelNotFoundError' });
    expect(worker.status().state).toBe('ready');
    const long = 'once upon a time '.repeat(4000);
    const tooLong = await worker.embed({ model: MODEL_ID, input: ['short', long] }).catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(InputTooLongError);
    expect(tooLong).toMatchObject({ code: 'validation_error', param: 'input', index: 1 });
    const empty = await worker.generate({ messages: [] }).catch((error: unknown) => error);
    expect(empty).toBeInstanceOf(InvalidRequestError);
    expect((empty as InvalidRequestError).code).toBe('validation_error');
    expect((empty as Error).message).toBe(
      ((await inProcess.generate({ messages: [] }).catch((error: unknown) => error)) as Error).message,
    );
  });

  it('preloads a chat on the worker: preparing, then ready', async () => {
    const messages = [...story('Tim found a shell'), { role: 'assistant' as const, content: 'It was shiny.' }];
    expect(worker.preload({ messages, sessionKey: 'worker-preload' })).toBe('preparing');
    await expect
      .poll(() => worker.preload({ messages, sessionKey: 'worker-preload' }), { timeout: 30_000 })
      .toBe('ready');
  }, 60_000);

  it('keeps generating while the main thread is blocked; the pieces arrive after, in order', async () => {
    let generatedDuringBlock = 0;
    let piecesDuringBlock = 0;
    const pieces: string[] = [];
    const result = await worker.generate({
      messages: story('Sue baked a cake'),
      params: { max_tokens: 400, temperature: 0, seed: 1 },
      onToken: (text) => {
        pieces.push(text);
        if (pieces.length !== 1) return;
        // Block this thread until the worker has generated 50 more pieces (read from shared memory), or 60 s pass:
        // in-process, nothing could be generated while this loop runs.
        const before = worker.tokensGenerated();
        const deadline = Date.now() + 60_000;
        while (worker.tokensGenerated() < before + 50 && Date.now() < deadline) piecesDuringBlock = pieces.length - 1;
        generatedDuringBlock = worker.tokensGenerated() - before;
      },
    });
    expect(generatedDuringBlock).toBeGreaterThanOrEqual(50);
    expect(piecesDuringBlock).toBe(0);
    expect(pieces.join('')).toBe(result.text);
    expect(result.stats.completion_tokens).toBeGreaterThan(50);
  }, 120_000);

  it('exits on close: calls after it are refused, and the thread ends by itself (exit code 0)', async () => {
    const closing = createWorkerLlamaCppProvider(options);
    await closing.load(MODEL_ID);
    await closing.generate({ messages: story('Hi'), params: { max_tokens: 8 } });
    await closing.close();
    expect(await closing.exited).toBe(0);
    await expect(closing.generate({ messages: story('Hi') })).rejects.toBeInstanceOf(ChatUnavailableError);
    expect(closing.countTokens('Hi')).toBeNull();
  }, 60_000);
});
