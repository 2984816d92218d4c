import type { ChatHistoryItem, ChatModelFunctions, ChatWrapper, Tokenizer } from 'node-llama-cpp';

/**
 * The `maxTokens` a turn may generate with `fitToContext`: the request's, clamped to the space the rendered prompt
 * leaves in the sequence, so a reply never shifts its own prompt out and a clamped reply ends with `length`. When the
 * prompt alone fills the context the turn shifts first, freeing `shiftSize` tokens.
 *
 * @example
 * clampMaxTokens(5000, 300, 2048, 1024) // 1748
 */
export function clampMaxTokens(
  requested: number,
  promptTokens: number,
  contextSize: number,
  shiftSize: number,
): number {
  const space = contextSize - promptTokens;
  return Math.max(1, Math.min(requested, space >= 1 ? space : shiftSize));
}

/** Tokens the chat wrapper renders for `history` (with the functions documented when there are any). */
export function renderedPromptTokens(
  chatWrapper: ChatWrapper,
  tokenizer: Tokenizer,
  history: readonly ChatHistoryItem[],
  functions?: ChatModelFunctions,
): number {
  const { contextText } = chatWrapper.generateContextState({
    chatHistory: history,
    ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}),
  });
  return contextText.tokenize(tokenizer).length;
}

/**
 * Prompt tokens of a finished turn: the sequence holds prompt + reply. A reply that ran past the context (allowed
 * without `fitToContext`) shifted prompt tokens out; when it shifted all of them, reading the sequence gave 0, and
 * the count rendered before the turn stands in.
 */
export function promptTokensOf(
  contextTokens: number,
  completionTokens: number,
  renderedTokens: number,
  contextSize: number,
): number {
  const held = contextTokens - completionTokens;
  return held > 0 ? held : Math.min(renderedTokens, contextSize);
}
