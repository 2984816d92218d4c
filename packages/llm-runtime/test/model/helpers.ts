/** Shared paths for tests that use the real stories260K model. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Folder holding stories260K.gguf: env MODELS_DIR, else `<repo root>/../shared/models`. */
export const MODELS_DIR = process.env.MODELS_DIR ?? path.resolve(repoRoot, '../shared/models');
export const MODEL_ID = 'stories260K';
export const MODEL_PATH = path.join(MODELS_DIR, `${MODEL_ID}.gguf`);
export const MODEL_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
