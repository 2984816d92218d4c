// Bundles what the server imports after its port opens (dist/startup/start-server.js and its graph) into
// dist/bundle/, run by `pnpm build` after tsc (issue #18: start-up). Loading ~800 modules one by one (resolve,
// stat, read, compile each) is most of the main thread's start: importing start-server.js cost ~810 ms of CPU and
// +43 MB RSS unbundled, ~270 ms and +26 MB bundled (docs/benchmarks.md). dist/server.js imports the bundle when it
// is there and falls back to dist/startup/start-server.js otherwise (`pnpm dev` removes it: tsc --watch would leave
// it stale).
//
// Kept outside the bundle and imported from where they are installed: Node's built-ins; native, lazily loaded or
// worker-spawning packages (better-sqlite3, sqlite-vec, pino and its transports, prom-client, pg, ioredis, unpdf,
// mammoth, node-html-parser, cli-progress, node-llama-cpp); all of @chat-studio/llm-runtime (its early worker is
// started before this bundle loads and must be the same module instance the runtime adopts it from); and the
// modules dist/server.js itself imports before the port opens (config, young generation, early listener, warm
// runtime), so that their state is shared. Each bundled module's `import.meta.url` / `import.meta.dirname` is
// rewritten to its own original file (relative to the bundle, so the checkout can move), so workers and files
// located beside a module are found as before.
import { existsSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const APP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(APP, 'dist');
const OUT = path.join(DIST, 'bundle');
const ENTRY = path.join(DIST, 'startup/start-server.js');

const EXTERNAL_PACKAGES = [
  'better-sqlite3',
  'sqlite-vec',
  'pino',
  'prom-client',
  'pg',
  'ioredis',
  'unpdf',
  'mammoth',
  'node-html-parser',
  'cli-progress',
  'node-llama-cpp',
  '@chat-studio/llm-runtime',
];
const SHARED_WITH_ENTRY = [
  path.join(DIST, 'config') + path.sep,
  path.join(DIST, 'startup/young-generation.js'),
  path.join(DIST, 'startup/early-listener.js'),
  path.join(DIST, 'startup/warm-runtime.js'),
];
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const isExternalPackage = (id) => EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
const isSharedFile = (file) => SHARED_WITH_ENTRY.some((shared) => file === shared || file.startsWith(shared));
const posix = (p) => p.split(path.sep).join('/');

/** Marks externals by their resolved file, so the bundle imports them by a path relative to itself. */
const externals = {
  name: 'chat-studio-externals',
  async resolveId(source, importer, options) {
    if (builtins.has(source)) return { id: source, external: true };
    if (!importer) return null;
    const bare = !source.startsWith('.') && !path.isAbsolute(source);
    if (bare && !isExternalPackage(source)) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (!resolved || resolved.external) return resolved;
    if (bare || isSharedFile(resolved.id)) return { id: resolved.id, external: 'absolute' };
    return resolved;
  },
};

/** Gives each bundled module its own location back (see the top of this file). */
const ownLocation = {
  name: 'chat-studio-own-location',
  transform(code, id) {
    if (!code.includes('import.meta.url') && !code.includes('import.meta.dirname')) return null;
    const rel = posix(path.relative(OUT, id));
    const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
    const dirname = `decodeURIComponent(new URL(".", new URL(${JSON.stringify(rel)}, import.meta.url)).pathname).replace(/\\/$/, "")`;
    return {
      code: code.replaceAll('import.meta.url', url).replaceAll('import.meta.dirname', dirname),
      map: null,
    };
  },
};

rmSync(OUT, { recursive: true, force: true });
if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run tsc first`);
const bundle = await rolldown({
  input: ENTRY,
  platform: 'node',
  plugins: [externals, ownLocation],
  logLevel: 'warn',
});
// Externals are written relative to the bundle's folder (every chunk is there), so the checkout can move.
const paths = (id) => (path.isAbsolute(id) ? relativeImport(id) : id);
const relativeImport = (file) => {
  const rel = posix(path.relative(OUT, file));
  return rel.startsWith('.') ? rel : `./${rel}`;
};
await bundle.write({ dir: OUT, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', paths });
await bundle.close();
