/** One chat turn on a held slot: generation options, the run itself, and its result. */
export { runTurn, type TurnInput } from './run-turn.js';
export { constraintOptions, contextShiftSize, DEFAULT_TEMPERATURE, samplingOptions } from './turn-options.js';
export { finishReason, turnResult, type TurnMeasures } from './turn-result.js';
