import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmRuntime, type GenerateMessage, type GenerateResult, type LlmRuntime } from '../../src/index.js';
import { MODELS_DIR } from './helpers.js';

describe('a long session reusing its KV cache', () => {
  let runtime: LlmRuntime;
  beforeAll(async () => {
    runtime = createLlmRuntime({ modelsDir: MODELS_DIR, threads: 1, sequences: 2, cacheTtlS: 0, env: {} });
    await runtime.start();
    await runtime.whenLoaded();
  });
  afterAll(() => runtime.close());

  it('evaluates only the new turn at turn 10+, however long the history', async () => {
    // The API's pattern: every turn sends the whole history from the database, replies stored as streamed.
    const messages: GenerateMessage[] = [];
    const results: GenerateResult[] = [];
    for (let turn = 1; turn <= 14; turn++) {
      messages.push({ role: 'user', content: `Turn ${turn}: tell me about the little dog and the red ball.` });
      let streamed = '';
      const result = await runtime.generate({
        messages: messages.map((message) => ({ ...message })),
        params: { max_tokens: 24, seed: turn },
        sessionKey: 'long-session',
        onToken: (piece) => (streamed += piece),
      });
      messages.push({ role: 'assistant', content: streamed });
      results.push(result);
    }
    const first = results[0]!;
    // Turn 1 evaluates its whole prompt: the user message plus the chat wrapper's tokens.
    expect(first.promptTokensEvaluated).toBe(first.stats.prompt_tokens);
    const early = results.slice(1, 4).map((result) => result.promptTokensEvaluated);
    for (const result of results.slice(9)) {
      // The context holds the whole conversation (no shift at this length)...
      expect(result.stats.prompt_tokens).toBeGreaterThan(first.stats.prompt_tokens * 9);
      // ...but only the new turn is run through the model: as much as at turn 1, not growing with the history.
      expect(result.promptTokensEvaluated).toBeLessThanOrEqual(first.promptTokensEvaluated + 6);
      expect(result.promptTokensEvaluated).toBeLessThanOrEqual(Math.min(...early) + 4);
      expect(result.promptTokensEvaluated).toBeLessThan(result.stats.prompt_tokens / 8);
    }
  });
});

describe('a chat longer than the history limit', () => {
  let runtime: LlmRuntime;
  beforeAll(async () => {
    runtime = createLlmRuntime({ modelsDir: MODELS_DIR, threads: 1, sequences: 1, cacheTtlS: 0, env: {} });
    await runtime.start();
    await runtime.whenLoaded();
  });
  afterAll(() => runtime.close());

  it('still evaluates only the new turn when the oldest messages fall out of what is sent', async () => {
    // The API sends the last CHAT_HISTORY_LIMIT messages (here 12): from turn 7 on, each turn drops the oldest exchange.
    const stored: GenerateMessage[] = [];
    const evaluated: number[] = [];
    for (let turn = 1; turn <= 12; turn++) {
      stored.push({ role: 'user', content: `Turn ${turn}: and then?` });
      const result = await runtime.generate({
        messages: stored.slice(-12).map((m) => ({ ...m })),
        params: { max_tokens: 24, seed: turn, system_prompt: 'You tell stories.' },
        sessionKey: 'limited',
      });
      stored.push({ role: 'assistant', content: result.text });
      evaluated.push(result.promptTokensEvaluated);
    }
    const steady = Math.max(...evaluated.slice(1, 6));
    // Measured before the fix: about 330 tokens a turn once the limit applied, the whole window again.
    for (const count of evaluated.slice(6)) expect(count).toBeLessThanOrEqual(steady + 2);
  });
});

describe('generating past the context size', () => {
  const contextSize = 256;
  const maxTokens = 900;
  async function longReply(contextShiftFraction?: number): Promise<GenerateResult> {
    const runtime = createLlmRuntime({
      modelsDir: MODELS_DIR,
      threads: 1,
      sequences: 1,
      contextSize,
      cacheTtlS: 0,
      env: {},
      ...(contextShiftFraction !== undefined ? { contextShiftFraction } : {}),
    });
    try {
      await runtime.start();
      await runtime.whenLoaded();
      return await runtime.generate({
        messages: [{ role: 'user', content: 'Once upon a time' }],
        params: { max_tokens: maxTokens, seed: 1 },
      });
    } finally {
      await runtime.close();
    }
  }

  it('frees half the context per shift, so it re-evaluates less than one token per token generated past the context', async () => {
    const result = await longReply();
    expect(result.stats.finish_reason).toBe('length');
    expect(result.stats.completion_tokens).toBe(maxTokens);
    // Each shift keeps at most half the context and re-evaluates it; the next comes at least contextSize/2 tokens later.
    // Measured here: 410 tokens (618 before shifts were done in the KV cache; a shift that cuts the reply inside a
    // word leaves nothing to keep); with a tenth per shift, 1,066 (5,558 before).
    const pastContext = maxTokens - contextSize;
    expect(result.promptTokensEvaluated).toBeLessThan(pastContext);

    // node-llama-cpp's own default frees a tenth: shifts come far more often.
    const tenth = await longReply(0.1);
    expect(tenth.stats.completion_tokens).toBe(maxTokens);
    expect(tenth.promptTokensEvaluated).toBeGreaterThan(result.promptTokensEvaluated);
  }, 120_000);
});

describe('a conversation longer than the context', () => {
  const contextSize = 512;
  let runtime: LlmRuntime;
  beforeAll(async () => {
    runtime = createLlmRuntime({ modelsDir: MODELS_DIR, threads: 1, sequences: 1, contextSize, cacheTtlS: 0, env: {} });
    await runtime.start();
    await runtime.whenLoaded();
  });
  afterAll(() => runtime.close());

  it('drops the oldest turns on a shift and keeps about half the context of recent ones', async () => {
    const messages: GenerateMessage[] = [{ role: 'system', content: 'You are a kind storyteller.' }];
    const prompts: number[] = [];
    const evaluated: number[] = [];
    let shifts = 0;
    for (let turn = 1; turn <= 24; turn++) {
      messages.push({ role: 'user', content: `Turn ${turn}: and then?` });
      const result = await runtime.generate({
        messages: messages.map((m) => ({ ...m })),
        params: { max_tokens: 24, seed: turn },
        sessionKey: 'shift',
      });
      messages.push({ role: 'assistant', content: result.text });
      const previous = prompts.at(-1);
      prompts.push(result.stats.prompt_tokens);
      evaluated.push(result.promptTokensEvaluated);
      // What an ordinary turn evaluates: its message and the end of the last reply (turns 2 to 4, before any shift).
      const ordinary = Math.max(...evaluated.slice(1, 4));
      expect(result.stats.prompt_tokens).toBeLessThan(contextSize);
      if (previous !== undefined && result.stats.prompt_tokens < previous) {
        shifts++;
        // The window after a shift is the system prompt plus recent whole turns filling up to half the context;
        // node-llama-cpp's default strategy left about 30 tokens here (the last message only).
        expect(result.stats.prompt_tokens).toBeGreaterThan(contextSize * 0.3);
        // The shift is done ahead, by the preload after the last reply, so the new message comes on top of the half.
        expect(result.stats.prompt_tokens).toBeLessThanOrEqual(contextSize / 2 + 48);
        // The shift is done in the KV cache (the dropped turns erased, the kept ones moved): like any turn, it
        // evaluates only the new message. Before, it evaluated the kept turns again (more than half the window).
        expect(result.promptTokensEvaluated).toBeLessThanOrEqual(ordinary + 4);
        expect(result.promptTokensEvaluated).toBeLessThan(result.stats.prompt_tokens / 4);
      }
    }
    expect(shifts).toBeGreaterThanOrEqual(2);
  });
});

describe('preloading the next turn while the user types', () => {
  async function conversation(preloadNextTurn: boolean, turns = 6) {
    const runtime = createLlmRuntime({
      modelsDir: MODELS_DIR,
      threads: 1,
      sequences: 1,
      cacheTtlS: 0,
      preloadNextTurn,
      env: {},
    });
    try {
      await runtime.start();
      await runtime.whenLoaded();
      const messages: GenerateMessage[] = [];
      const evaluated: number[] = [];
      const texts: string[] = [];
      for (let turn = 1; turn <= turns; turn++) {
        messages.push({ role: 'user', content: `Turn ${turn}: where did the cat go?` });
        const result = await runtime.generate({
          messages: messages.map((m) => ({ ...m })),
          params: { max_tokens: 24, temperature: 0 },
          sessionKey: 'typing',
        });
        messages.push({ role: 'assistant', content: result.text });
        evaluated.push(result.promptTokensEvaluated);
        texts.push(result.text);
      }
      return { evaluated, texts };
    } finally {
      await runtime.close();
    }
  }

  it('leaves only the new message to evaluate at the next turn, and generates the same replies', async () => {
    const on = await conversation(true);
    const off = await conversation(false);
    expect(on.texts).toEqual(off.texts);
    expect(on.evaluated[0]).toBe(off.evaluated[0]);
    for (let turn = 1; turn < on.evaluated.length; turn++) {
      // Without the preload a turn also evaluates the end of the last reply and the template that opens a user turn
      // (measured: 31 tokens against 20).
      expect(on.evaluated[turn]).toBeLessThanOrEqual(off.evaluated[turn]! - 8);
      expect(on.evaluated[turn]).toBeLessThan(on.evaluated[0]!);
    }
  });

  it('gives the slot up to another session at once', async () => {
    const runtime = createLlmRuntime({ modelsDir: MODELS_DIR, threads: 1, sequences: 1, cacheTtlS: 0, env: {} });
    try {
      await runtime.start();
      await runtime.whenLoaded();
      const a: GenerateMessage[] = [{ role: 'user', content: 'Once upon a time' }];
      const first = await runtime.generate({ messages: a, params: { max_tokens: 16 }, sessionKey: 'a' });
      // B needs the only sequence while A's preload may still run on it.
      const b = await runtime.generate({
        messages: [{ role: 'user', content: 'The dog' }],
        params: { max_tokens: 16 },
        sessionKey: 'b',
      });
      expect(b.stats.finish_reason).not.toBe('error');
      expect(b.text.length).toBeGreaterThan(0);
      // A lost its cache to B: its next turn evaluates its history again (all but the chat template's opening tokens,
      // which it shares with B), and still answers.
      a.push({ role: 'assistant', content: first.text }, { role: 'user', content: 'And then?' });
      const again = await runtime.generate({ messages: a, params: { max_tokens: 16 }, sessionKey: 'a' });
      expect(again.text.length).toBeGreaterThan(0);
      expect(again.promptTokensEvaluated).toBeGreaterThanOrEqual(again.stats.prompt_tokens - 10);
    } finally {
      await runtime.close();
    }
  });
});
