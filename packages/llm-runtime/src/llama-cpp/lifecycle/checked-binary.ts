/**
 * A remembered binary check. On Linux node-llama-cpp tests its prebuilt binary before every load by loading it in a
 * second Node process (0.9–3 s of the time to model ready on a 2-core machine; no option skips it). Once the very
 * same binary was loaded and initialized in this process on this machine, the next start loads it directly, as
 * node-llama-cpp itself does for a local build made on this system. Anything that could change the answer (another
 * binary file, node-llama-cpp, Node, the kernel, the CPU) changes the key, and the next start tests again; where
 * getLlama could pick another binary (a local build, downloaded binaries, a GPU package with `gpu: 'auto'`) nothing
 * is remembered or skipped. `gpu: 'auto'` without a GPU package can only load the CPU binary: it shares the key.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Llama, LlamaLogLevel } from 'node-llama-cpp';
import { loadLlamaInternals } from './internals.js';

/** The node-llama-cpp version whose internal loader (`Llama._create`) this was written against and tested with. */
const KNOWN_VERSION = '3.21.1';
const ADDON = 'llama-addon.node';

/** The prebuilt CPU binary getLlama would load here, with the key of everything its check depends on. */
interface Candidate {
  bindingPath: string;
  distDir: string;
  key: string;
}

/** What node-llama-cpp's internal `Llama._create` takes (3.21.1). */
interface InternalLlamaClass {
  _create(options: {
    bindings: unknown;
    bindingPath: string;
    buildType: 'prebuilt';
    buildMetadata: unknown;
    logLevel: LlamaLogLevel;
    logger: (level: LlamaLogLevel, message: string) => void;
    vramPadding: unknown;
    ramPadding: unknown;
    debug: boolean;
    numa: false;
    tempDir: false;
  }): Promise<Llama>;
}

const require = createRequire(import.meta.url);

/** The model name and feature flags of the first CPU: what a prebuilt binary's compatibility depends on. */
function cpuSignature(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const first = info.split('\n\n')[0] ?? '';
    return first
      .split('\n')
      .filter((line) => /^(vendor_id|model name|flags|Features|CPU implementer|CPU part)\s*:/.test(line))
      .join('\n');
  } catch {
    return 'unknown';
  }
}

function resolvesFrom(from: string, name: string): boolean {
  try {
    createRequire(from).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The prebuilt CPU binary getLlama({ build: 'never', gpu }) would load on this machine, or undefined where another
 * one could be chosen (a local build, downloaded binaries, a GPU package with `gpu: 'auto'`) or this is not Linux
 * (elsewhere node-llama-cpp does not test CPU binaries in a child process).
 */
export function binaryCandidate(gpu: 'auto' | false): Candidate | undefined {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return undefined;
  try {
    const entry = require.resolve('node-llama-cpp');
    const distDir = path.dirname(entry);
    const packageDir = path.dirname(distDir);
    const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
    if (version !== KNOWN_VERSION) return undefined;
    const folder = `linux-${process.arch}`;
    // getLlama prefers these over the package's binary.
    if (existsSync(path.join(packageDir, 'llama', 'localBuilds')) || existsSync(path.join(packageDir, 'bins', folder)))
      return undefined;
    if (
      gpu === 'auto' &&
      ['cuda', 'cuda-ext', 'vulkan'].some((kind) => resolvesFrom(entry, `@node-llama-cpp/${folder}-${kind}`))
    )
      return undefined;
    // The binary package exports only its entry (dist/index.js); its bins/ folder sits beside dist/.
    const packageEntry = createRequire(entry).resolve(`@node-llama-cpp/${folder}`);
    // The real path: what require caches and /proc/self/maps shows.
    const bindingPath = realpathSync(path.join(path.dirname(path.dirname(packageEntry)), 'bins', folder, ADDON));
    const stat = statSync(bindingPath);
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          version,
          bindingPath,
          stat.size,
          stat.mtimeMs,
          process.version,
          process.versions.modules,
          os.release(),
          cpuSignature(),
        ]),
      )
      .digest('hex');
    return { bindingPath, distDir, key };
  } catch {
    return undefined;
  }
}

function readKey(file: string): string | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown };
    return typeof record.key === 'string' ? record.key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads the prebuilt binary without node-llama-cpp's child-process test when `file` records that this very binary
 * passed on this machine before; undefined otherwise (the caller then uses getLlama, which tests it).
 */
export async function loadCheckedBinary(
  file: string,
  gpu: 'auto' | false,
  logLevel: LlamaLogLevel,
  logger: (level: LlamaLogLevel, message: string) => void,
): Promise<Llama | undefined> {
  const candidate = binaryCandidate(gpu);
  if (!candidate || readKey(file) !== candidate.key) return undefined;
  const internals = await loadLlamaInternals(candidate.distDir);
  const Llama = internals.Llama as InternalLlamaClass;
  const buildMetadata: unknown = JSON.parse(
    readFileSync(path.join(path.dirname(candidate.bindingPath), '_nlcBuildMetadata.json'), 'utf8'),
  );
  // As node-llama-cpp does: a fresh module object per Llama, each with its own logger.
  delete require.cache[candidate.bindingPath];
  const bindings: unknown = require(candidate.bindingPath);
  delete require.cache[candidate.bindingPath];
  return Llama._create({
    bindings,
    bindingPath: candidate.bindingPath,
    buildType: 'prebuilt',
    buildMetadata,
    logLevel,
    logger,
    // getLlama's own defaults, NODE_LLAMA_CPP_DEBUG included, so both ways load alike.
    vramPadding: internals.defaultLlamaVramPadding,
    ramPadding: internals.defaultLlamaRamPadding,
    debug: internals.defaultLlamaCppDebugMode,
    numa: false,
    tempDir: false,
  });
}

/** The llama.cpp addon files mapped into this process (Linux). */
export function loadedAddons(): string[] {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    const paths = maps
      .split('\n')
      .map((line) => line.slice(line.indexOf('/')))
      .filter((p) => p.startsWith('/') && p.endsWith(`/${ADDON}`));
    return [...new Set(paths)];
  } catch {
    return [];
  }
}

/**
 * After getLlama loaded `llama` (tested, loaded and initialized here), records in `file` that its binary works on
 * this machine, when it is the prebuilt CPU binary {@link binaryCandidate} names. Failures to write are ignored: the
 * next start then tests again.
 */
export function recordCheckedBinary(file: string, gpu: 'auto' | false, llama: Llama): boolean {
  if (llama.buildType !== 'prebuilt' || llama.gpu !== false) return false;
  const candidate = binaryCandidate(gpu);
  const loaded = loadedAddons();
  if (!candidate || loaded.length !== 1 || loaded[0] !== candidate.bindingPath) return false;
  if (readKey(file) === candidate.key) return true;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(
      temporary,
      `${JSON.stringify({ key: candidate.key, bindingPath: candidate.bindingPath, checkedAt: new Date().toISOString() })}\n`,
    );
    renameSync(temporary, file);
    return true;
  } catch {
    return false;
  }
}
