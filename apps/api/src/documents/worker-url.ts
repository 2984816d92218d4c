/** Where the extraction worker's script is, whether this module runs built (dist) or from source (vitest). */
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let warned = false;

/**
 * The worker script beside this module in dist. From source (vitest runs the .ts files, and Node 20 cannot start a
 * worker from TypeScript) it is the built copy in apps/api/dist: `pnpm test` and `pnpm test:unit` build first; after
 * editing src/documents, run `pnpm build` before a bare `npx vitest`.
 */
export function extractionWorkerUrl(moduleUrl: string = import.meta.url): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL('./extraction-worker.js', moduleUrl);
  const built = new URL('../../dist/documents/extraction-worker.js', moduleUrl);
  warnIfStale(fileURLToPath(new URL('.', moduleUrl)), fileURLToPath(built));
  return built;
}

/**
 * A missing build fails with what to do. An older one only warns: a turbo cache hit leaves dist untouched when the
 * sources were merely touched (same content), so an mtime cannot prove it stale.
 */
function warnIfStale(sourceDir: string, builtFile: string): void {
  let builtAt: number;
  try {
    builtAt = statSync(builtFile).mtimeMs;
  } catch {
    throw new Error(`The extraction worker is not built (${builtFile} is missing): run \`pnpm build\` first.`);
  }
  if (warned) return;
  const newer = readdirSync(sourceDir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .filter((file) => statSync(`${sourceDir}/${file}`).mtimeMs > builtAt);
  if (newer.length === 0) return;
  warned = true;
  process.emitWarning(
    `${newer.join(', ')} changed after the extraction worker was built; run \`pnpm build\` if the worker's code changed.`,
  );
}
