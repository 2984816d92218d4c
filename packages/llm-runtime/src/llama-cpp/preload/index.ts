/** Idle-time evaluation: preparing a chat's next turn while its user types. */
export { leadingSystemCount, sameHistory, upToNextUserText } from './next-user-text.js';
export { preloadChat } from './prepare-chat.js';
export { PRELOAD_CHUNK_TOKENS, PRELOAD_MIN_FREE_TOKENS, runPreload, startNextTurnPreload } from './run-preload.js';
