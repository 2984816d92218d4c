/** Where the tests find the real test model, which never lives in the repository. */
import path from 'node:path';
import { REPO_ROOT } from './repo-root.js';

/**
 * Folder holding stories260K.gguf: env TEST_MODELS_DIR. Defaults to `<repo root>/../shared/models`.
 *
 * @example
 * await startApiServer({ MODELS_DIR: testModelsDir() });
 */
export function testModelsDir(): string {
  return process.env.TEST_MODELS_DIR ?? path.resolve(REPO_ROOT, '../shared/models');
}
