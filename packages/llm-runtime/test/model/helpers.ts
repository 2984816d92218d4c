/** Shared paths for tests that use the real stories260K model. */
import path from 'node:path';
import { testModelsDir } from '@chat-studio/test-support';

/** Folder holding stories260K.gguf: env TEST_MODELS_DIR, as for every other suite (see `testModelsDir`). */
export const MODELS_DIR = testModelsDir();
export const MODEL_ID = 'stories260K';
export const MODEL_PATH = path.join(MODELS_DIR, `${MODEL_ID}.gguf`);
export const MODEL_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
