import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openReadonlyStore, readSchema } from '../database/index.js';
import { machineSummary } from '../system/index.js';

/** The last `maxLines` lines of a file, reading at most `maxBytes` from its end. */
export async function tailFile(file: string, maxLines: number, maxBytes = 2 * 1024 * 1024): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (length < size) lines.shift(); // the first line is cut
    if (lines.at(-1) === '') lines.pop();
    return `${lines.slice(-maxLines).join('\n')}\n`;
  } finally {
    await handle.close();
  }
}

/**
 * Log files (`*.log`, including rotated `name.N.log`) in `logsDir` and in its instance folders (`logs/<instance>/`,
 * one per API process on the host), newest first.
 */
export function listLogFiles(logsDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(logsDir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    const full = path.join(logsDir, name);
    const stats = lstatSync(full);
    // logs/backend.log and logs/debug.log link into an instance's folder, which is read below: skip the links.
    if (stats.isSymbolicLink()) continue;
    if (stats.isFile() && name.endsWith('.log')) files.push(full);
    else if (stats.isDirectory()) {
      for (const inner of readdirSync(full))
        if (inner.endsWith('.log') && statSync(path.join(full, inner)).isFile()) files.push(path.join(full, inner));
    }
  }
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Versions of node, every workspace package and the llama.cpp build bundled with node-llama-cpp. */
export function gatherVersions(repoRoot: string) {
  const packages: Record<string, string> = {};
  const manifests = [path.join(repoRoot, 'package.json')];
  for (const group of ['packages', 'apps', 'tooling']) {
    const dir = path.join(repoRoot, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) manifests.push(path.join(dir, name, 'package.json'));
  }
  for (const file of manifests) {
    const pkg = readJson(file);
    if (pkg && typeof pkg.name === 'string') packages[pkg.name] = String(pkg.version ?? 'unknown');
  }

  // Loading llama.cpp (getLlama) takes most of a second and may probe GPUs; the shipped metadata is enough here.
  // node-llama-cpp's exports hide package.json from require.resolve, so it is found by folder.
  let llama: Record<string, unknown> = { installed: false };
  const nlcLink = [
    path.join(repoRoot, 'packages/llm-runtime/node_modules/node-llama-cpp'),
    path.join(repoRoot, 'node_modules/node-llama-cpp'),
  ].find((d) => existsSync(path.join(d, 'package.json')));
  if (nlcLink) {
    const nlcDir = realpathSync(nlcLink);
    const manifest = readJson(path.join(nlcDir, 'package.json'));
    const prebuilt: Record<string, unknown> = {};
    for (const dep of Object.keys((manifest?.optionalDependencies as Record<string, string>) ?? {})) {
      // pnpm links a package's dependencies beside it, in the same node_modules folder.
      const depDir = [path.join(nlcDir, '..', dep), path.join(nlcDir, 'node_modules', dep)].find((d) => existsSync(d));
      const binsDir = depDir && path.join(depDir, 'bins');
      if (!binsDir || !existsSync(binsDir)) continue;
      const builds: Record<string, unknown> = {};
      for (const build of readdirSync(binsDir)) {
        builds[build] = {
          files: readdirSync(path.join(binsDir, build)),
          metadata: readJson(path.join(binsDir, build, '_nlcBuildMetadata.json')),
        };
      }
      prebuilt[dep] = { version: readJson(path.join(depDir, 'package.json'))?.version, builds };
    }
    const localBuilds = path.join(nlcDir, 'llama/localBuilds');
    llama = {
      installed: true,
      version: manifest?.version,
      llamaCpp: readJson(path.join(nlcDir, 'llama/llama.cpp.info.json')),
      prebuilt,
      localBuilds: existsSync(localBuilds) ? readdirSync(localBuilds) : [],
    };
  }
  const sqlite = readJson(path.join(repoRoot, 'packages/chat-store/node_modules/better-sqlite3/package.json'));
  return {
    node: process.version,
    v8: process.versions.v8,
    uv: process.versions.uv,
    betterSqlite3: sqlite?.version ?? null,
    packages,
    nodeLlamaCpp: llama,
  };
}

function findOnPath(command: string): string | null {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const ext of exts) {
      const full = path.join(dir, command + ext);
      if (dir && existsSync(full)) return full;
    }
  }
  return null;
}

/** NVIDIA (nvidia-smi), DRM render nodes (/dev/dri: Intel, AMD, Vulkan) and Apple Metal. */
export async function gatherGpu() {
  const nvidiaSmi = findOnPath('nvidia-smi');
  let nvidia: unknown = null;
  if (nvidiaSmi) {
    try {
      const { stdout } = await promisify(execFile)(
        nvidiaSmi,
        ['--query-gpu=name,memory.total,memory.used,driver_version', '--format=csv,noheader'],
        { timeout: 5000 },
      );
      nvidia = stdout.trim().split('\n');
    } catch (error) {
      nvidia = { error: (error as Error).message };
    }
  }
  let dri: string[] | null = null;
  try {
    dri = readdirSync('/dev/dri');
  } catch {
    dri = null;
  }
  return { nvidiaSmi, nvidia, dri, metal: process.platform === 'darwin' && process.arch === 'arm64' };
}

/** OS and hardware summary without identifying details such as the host name. */
export function gatherSystem() {
  return {
    ...machineSummary(),
    type: os.type(),
    version: os.version?.() ?? null,
    endianness: os.endianness(),
    cpus: os.cpus().length,
  };
}

/**
 * The database schema and row counts, or the error that prevented reading them. `target` is the SQLite file or
 * the PostgreSQL URL; `label` names it in the output (never the URL, which holds the password).
 */
export async function gatherDatabase(target: string, label = target) {
  try {
    const store = await openReadonlyStore(target);
    try {
      const stats = await store.maintenance.stats();
      const schema = await readSchema(store);
      const integrity = await store.maintenance.integrityCheck();
      return { backend: store.backend, path: label, stats, integrity, schema };
    } finally {
      await store.close();
    }
  } catch (error) {
    return { path: label, error: (error as Error).message };
  }
}
