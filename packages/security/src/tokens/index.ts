/** Session tokens and API keys, stored only as hashes. */
export {
  generateSessionToken,
  generateApiKey,
  hashToken,
  looksLikeApiKey,
  API_KEY_PREFIX,
  API_KEY_DISPLAY_LENGTH,
} from './tokens.js';
