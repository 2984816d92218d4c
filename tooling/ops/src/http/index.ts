export { fetchJson, type FetchResult } from './fetch-json.js';
