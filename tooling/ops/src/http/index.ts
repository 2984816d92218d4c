/** Talking to the running server. */
export { fetchJson, type FetchResult } from './fetch-json.js';
