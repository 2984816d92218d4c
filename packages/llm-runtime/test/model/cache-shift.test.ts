import {
  getLlama,
  LlamaChat,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepNewestTurns } from '../../src/llama-cpp/index.js';
import { keepNewestTurnsInCache } from '../../src/llama-cpp/cache-shift/index.js';
import { MODEL_PATH } from './helpers.js';

const CONTEXT_SIZE = 512;
const SHIFT_SIZE = 256;

describe('a context shift done in the KV cache', () => {
  let llama: Llama;
  let model: LlamaModel;
  let context: LlamaContext;
  let chatWrapper: ChatWrapper;
  const render = (history: readonly ChatHistoryItem[]) =>
    chatWrapper.generateContextState({ chatHistory: [...history] }).contextText.tokenize(model.tokenizer);

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: MODEL_PATH });
    context = await model.createContext({ contextSize: CONTEXT_SIZE, sequences: 1, threads: 1 });
    chatWrapper = resolveChatWrapper(model);
  });
  afterAll(async () => {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  });

  /** A conversation that fills most of the context, then a new question that no longer fits. */
  function conversation(): { held: ChatHistoryItem[]; next: ChatHistoryItem[] } {
    const held: ChatHistoryItem[] = [{ type: 'system', text: 'You are a kind storyteller.' }];
    for (let turn = 1; ; turn++) {
      const exchange: ChatHistoryItem[] = [
        { type: 'user', text: `Turn ${turn}: and then?` },
        { type: 'model', response: [`Then the little dog ran to the park number ${turn}.`] },
      ];
      if (render([...held, ...exchange]).length > CONTEXT_SIZE - 30) break;
      held.push(...exchange);
    }
    const next: ChatHistoryItem[] = [
      ...held,
      {
        type: 'user',
        text: 'What did the little dog find in the big green park at the very end of the long sunny day, and who was there with him?',
      },
      { type: 'model', response: [] },
    ];
    expect(render(next).length).toBeGreaterThanOrEqual(CONTEXT_SIZE);
    return { held, next };
  }

  /** Fills a fresh sequence with `held`, then runs the turn of `next` that must shift; what it evaluated and held. */
  async function shiftingTurn(inCache: boolean) {
    const { held, next } = conversation();
    const sequence = context.getSequence();
    try {
      await sequence.evaluateWithoutGeneratingNewTokens(render(held));
      const shift = keepNewestTurnsInCache(sequence, undefined);
      const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
      const before = sequence.tokenMeter.getState();
      const { response, lastEvaluation } = await chat.generateResponse(next, {
        maxTokens: 8,
        temperature: 0,
        contextShift: { size: SHIFT_SIZE, strategy: inCache ? shift.strategy : keepNewestTurns },
        lastEvaluationContextWindow: { history: next },
      });
      const input = sequence.tokenMeter.diff(before).usedInputTokens;
      const window = lastEvaluation.contextWindow;
      const prompt = render([...window.slice(0, -1), { type: 'model', response: [] }]);
      const cached = sequence.contextTokens;
      chat.dispose({ disposeSequence: false });
      return { response, shift, evaluated: input - shift.moved, prompt, held: cached, window };
    } finally {
      sequence.dispose();
    }
  }

  it('erases the dropped turns, keeps the rest cached and evaluates only the new question', async () => {
    const turn = await shiftingTurn(true);
    expect(turn.shift.shifts).toBe(1);
    // The window lost its oldest turns (about half the context) and kept the system prompt.
    expect(turn.window[0]).toEqual({ type: 'system', text: 'You are a kind storyteller.' });
    expect(turn.prompt.length).toBeLessThanOrEqual(CONTEXT_SIZE - SHIFT_SIZE);
    // What the cache holds is the shifted prompt itself, then the reply: the kept history really is in the cache.
    expect(turn.held.slice(0, turn.prompt.length)).toEqual(turn.prompt);
    // Only the question was evaluated (with the template's tokens around it); the kept turns were moved.
    const keptTurns = render(turn.window.slice(0, -2)).length;
    const question = turn.prompt.length - keptTurns;
    expect(turn.shift.moved).toBeGreaterThan(keptTurns / 2);
    expect(turn.evaluated).toBeLessThanOrEqual(question + 2);
    expect(turn.response.trim().length).toBeGreaterThan(0);
  }, 120_000);

  it('evaluates the kept turns again without it (the control)', async () => {
    const turn = await shiftingTurn(false);
    expect(turn.shift.shifts).toBe(0);
    expect(turn.held.slice(0, turn.prompt.length)).toEqual(turn.prompt);
    expect(turn.evaluated).toBeGreaterThan(turn.prompt.length / 2);
  }, 120_000);
});
