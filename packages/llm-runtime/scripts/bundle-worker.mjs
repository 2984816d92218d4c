// Bundles llama.cpp's worker thread (dist/worker-provider/worker-entry.js) with node-llama-cpp into
// dist/worker-bundle/, run by `pnpm build` after tsc (issue #18: start-up and memory). node-llama-cpp's entry is
// ~400 ES modules and ~100 CommonJS files; loading them one by one was ~800 ms of CPU and +41 MB RSS in the worker,
// bundled ~230 ms and +18 MB (docs/benchmarks.md). worker-link.ts starts the bundle when it is there and
// dist/worker-provider/worker-entry.js otherwise (`pnpm dev` removes it: tsc --watch would leave it stale).
//
// Kept outside: Node's built-ins, native addons (`.node`) and packages that load one (@reflink), and node-llama-cpp's
// platform binary packages (@node-llama-cpp/*), imported from where they are installed. Each bundled module's
// `import.meta.url` is rewritten to its own original file (relative to the bundle, so the checkout can move):
// node-llama-cpp finds its `llama/`, `bins/` and package.json from there, as unbundled. The remembered binary
// check's internals (src/llama-cpp/lifecycle/internals.ts) become static imports of node-llama-cpp's files, so the
// Llama class it creates is the bundle's own. The bundle's paths are this checkout's, so it is not published
// (`files` leaves dist/worker-bundle out): an installed package starts the unbundled worker.
import { existsSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(PACKAGE, 'dist');
const OUT = path.join(DIST, 'worker-bundle');
const ENTRY = path.join(DIST, 'worker-provider/worker-entry.js');
const INTERNALS = path.join(DIST, 'llama-cpp/lifecycle/internals.js');
const LLAMA_DIST = path.dirname(createRequire(path.join(PACKAGE, 'package.json')).resolve('node-llama-cpp'));

const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const posix = (p) => p.split(path.sep).join('/');
const isNativePackage = (id) => id.startsWith('@reflink/') || id.startsWith('@node-llama-cpp/');

/** Builtins, native addons and platform packages stay external (by resolved file when installed). */
const externals = {
  name: 'chat-studio-externals',
  async resolveId(source, importer, options) {
    if (builtins.has(source)) return { id: source, external: true };
    if (!importer || !(isNativePackage(source) || source.endsWith('.node'))) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    // A platform package not installed here stays a bare import, failing at run time as unbundled (not installed).
    return resolved ? { id: resolved.id, external: 'absolute' } : { id: source, external: true };
  },
};

/** The internals by static import (see the top of this file). */
const staticInternals = {
  name: 'chat-studio-llama-internals',
  load(id) {
    if (id !== INTERNALS) return null;
    const file = (name) => JSON.stringify(path.join(LLAMA_DIST, name));
    return [
      `import { Llama } from ${file('bindings/Llama.js')};`,
      `import { defaultLlamaCppDebugMode } from ${file('config.js')};`,
      `import { defaultLlamaVramPadding, defaultLlamaRamPadding } from ${file('bindings/getLlama.js')};`,
      'export async function loadLlamaInternals() {',
      '  return { Llama, defaultLlamaCppDebugMode, defaultLlamaVramPadding, defaultLlamaRamPadding };',
      '}',
    ].join('\n');
  },
};

/** Gives each bundled module its own location back (see the top of this file). */
const ownLocation = {
  name: 'chat-studio-own-location',
  transform(code, id) {
    if (!code.includes('import.meta.url') && !code.includes('import.meta.dirname')) return null;
    const rel = JSON.stringify(posix(path.relative(OUT, id)));
    const url = `new URL(${rel}, import.meta.url).href`;
    const dirname = `decodeURIComponent(new URL(".", new URL(${rel}, import.meta.url)).pathname).replace(/\\/$/, "")`;
    return { code: code.replaceAll('import.meta.url', url).replaceAll('import.meta.dirname', dirname), map: null };
  },
};

rmSync(OUT, { recursive: true, force: true });
if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run tsc first`);
const bundle = await rolldown({
  input: ENTRY,
  platform: 'node',
  plugins: [externals, staticInternals, ownLocation],
  // node-llama-cpp imports the binary packages of every platform; those not installed here are expected.
  onLog(level, log, handler) {
    if (log.code === 'UNRESOLVED_IMPORT' && /@node-llama-cpp\//.test(log.message)) return;
    handler(level, log);
  },
});
const relativeImport = (file) => {
  const rel = posix(path.relative(OUT, file));
  return rel.startsWith('.') ? rel : `./${rel}`;
};
await bundle.write({
  dir: OUT,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  paths: (id) => (path.isAbsolute(id) ? relativeImport(id) : id),
});
await bundle.close();
