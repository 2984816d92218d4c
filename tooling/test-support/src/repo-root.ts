/** The checkout's root folder, for tests that reach built files of other packages. */
import path from 'node:path';

/**
 * Absolute path of the repository root (this file sits at tooling/test-support/{src,dist}/).
 *
 * @example
 * const webDist = path.join(REPO_ROOT, 'apps/web/dist');
 */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
