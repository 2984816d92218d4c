/** Running chat turns against the store and the model runtime. */
export {
  createChatTurns,
  type ChatTurns,
  type ChatTurnsOptions,
  type OpenedTurn,
  type TurnBranch,
  type TurnResult,
} from './chat-turn.js';
export { deriveTitle, DEFAULT_TITLE } from '@chat-studio/protocol';
export {
  generationEvents,
  lastEvent,
  type DoneEvent,
  type Generated,
  type ProgressEvent,
  type StartEvent,
  type TurnErrorEvent,
  type TurnEvent,
} from './turn-events.js';
