/** Where the extraction worker's script is, whether this module runs built (dist) or from source (vitest). */
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The worker script beside this module in dist. From source (vitest runs the .ts files, and Node 20 cannot start a
 * worker from TypeScript) it is the built copy in apps/api/dist, which must be at least as new as the sources.
 */
export function extractionWorkerUrl(moduleUrl: string = import.meta.url): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL('./extraction-worker.js', moduleUrl);
  const built = new URL('../../dist/documents/extraction-worker.js', moduleUrl);
  assertFresh(fileURLToPath(new URL('.', moduleUrl)), fileURLToPath(built));
  return built;
}

/** Tests of stale workers would pass or fail for the wrong reason: refuse them with what to do. */
function assertFresh(sourceDir: string, builtFile: string): void {
  let builtAt: number;
  try {
    builtAt = statSync(builtFile).mtimeMs;
  } catch {
    throw new Error(`The extraction worker is not built (${builtFile} is missing): run \`pnpm build\` first.`);
  }
  const stale = readdirSync(sourceDir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .filter((file) => statSync(`${sourceDir}/${file}`).mtimeMs > builtAt);
  if (stale.length > 0)
    throw new Error(
      `The built extraction worker is older than ${stale.join(', ')}: run \`pnpm build\` (apps/api) first.`,
    );
}
