// Packs the four libraries, installs the tarballs with plain npm into a project outside the workspace, then runs and
// type-checks a consumer there: proof that what we would publish installs and works without pnpm or the monorepo.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const fixtures = join(here, 'fixtures');
const PACKAGES = ['protocol', 'chat-store', 'llm-runtime', 'security'] as const;
type PackageDir = (typeof PACKAGES)[number];

const modelsDir = resolve(
  repoRoot,
  process.env.TEST_MODELS_DIR ?? process.env.MODELS_DIR ?? join(repoRoot, '..', 'shared', 'models'),
);

interface Manifest {
  name: string;
  version: string;
  license?: string;
  repository?: { type: string; url: string; directory?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Packed {
  tarball: string;
  files: string[];
  manifest: Manifest;
}

/** node-llama-cpp's prebuilt binaries are all optional dependencies; this names the CPU one for this machine. */
function llamaBinaryPackage(): string {
  const os = { linux: 'linux', darwin: 'mac', win32: 'win' }[process.platform as string];
  const arch = process.arch === 'arm' ? 'armv7l' : process.arch;
  if (!os) throw new Error(`No node-llama-cpp prebuilt binary for ${process.platform}`);
  return `@node-llama-cpp/${os}-${arch}${os === 'mac' && arch === 'arm64' ? '-metal' : ''}`;
}

function installEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' };
  // better-sqlite3's prebuilt download is unreachable here; node-gyp then compiles against the system's Node headers.
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  // pnpm runs this test and exports its own npm_config_* settings; the consumer project must see plain npm defaults.
  for (const key of Object.keys(env)) {
    if (/^npm_config_(?!nodedir$|cache$|registry$)/i.test(key) || key.startsWith('PNPM_')) delete env[key];
  }
  return env;
}

const tempDirs: string[] = [];
let packDir = '';
let project = '';
const packed = new Map<PackageDir, Packed>();
const timings: Record<string, number> = {};

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

/** Type-checks consumer-types.ts in the consumer project with the workspace's tsc; returns the error lines. */
async function typeCheck(skipLibCheck: boolean): Promise<string[]> {
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  const args = [
    '--noEmit',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    // node-llama-cpp's declarations use Symbol.dispose.
    '--lib',
    'es2023,esnext.disposable',
    '--strict',
    '--skipLibCheck',
    String(skipLibCheck),
    'consumer-types.ts',
  ];
  try {
    await run(tsc, args, { cwd: project, timeout: 120_000 });
    return [];
  } catch (error) {
    const { stdout, code } = error as { stdout?: string; code?: unknown };
    if (typeof code !== 'number' || !stdout) throw error;
    return stdout.split('\n').filter((line) => /error TS\d+/.test(line));
  }
}

beforeAll(async () => {
  packDir = await mkdtemp(join(tmpdir(), 'chat-studio-pack-'));
  project = await mkdtemp(join(tmpdir(), 'chat-studio-consumer-'));
  tempDirs.push(packDir, project);

  await timed('pack', async () => {
    for (const dir of PACKAGES) {
      const cwd = join(repoRoot, 'packages', dir);
      const before = new Set(await readdir(packDir));
      await run('pnpm', ['pack', '--pack-destination', packDir], { cwd });
      const created = (await readdir(packDir)).filter((f) => f.endsWith('.tgz') && !before.has(f));
      expect(created, `pnpm pack in packages/${dir}`).toHaveLength(1);
      const tarball = join(packDir, created[0]!);
      const { stdout: list } = await run('tar', ['tzf', tarball]);
      const { stdout: json } = await run('tar', ['xzf', tarball, '-O', 'package/package.json']);
      packed.set(dir, { tarball, files: list.split('\n').filter(Boolean), manifest: JSON.parse(json) as Manifest });
    }
  });

  const pin = (dir: PackageDir, name: string, field: 'dependencies' | 'devDependencies' = 'dependencies') => {
    const version = packed.get(dir)!.manifest[field]?.[name];
    if (!version) throw new Error(`${dir} has no ${field} entry for ${name}`);
    return version;
  };
  const consumer = {
    name: 'chat-studio-consumer',
    private: true,
    type: 'module',
    dependencies: {
      ...Object.fromEntries(
        PACKAGES.map((dir) => [packed.get(dir)!.manifest.name, `file:${packed.get(dir)!.tarball}`]),
      ),
      // Installed with --omit=optional (to skip ~600 MB of CUDA/Vulkan builds), so the CPU binary is named directly.
      [llamaBinaryPackage()]: pin('llm-runtime', 'node-llama-cpp'),
      valibot: pin('protocol', 'valibot'),
    },
    devDependencies: {
      '@types/node': pin('chat-store', '@types/node', 'devDependencies'),
    },
  };
  await writeFile(join(project, 'package.json'), `${JSON.stringify(consumer, null, 2)}\n`);
  await timed('npm install', () =>
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional'], {
      cwd: project,
      env: installEnv(),
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
}, 360_000);

afterAll(async () => {
  console.info(`pack-install timings (ms): ${JSON.stringify(timings)}`);
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('packed tarballs', () => {
  it.each(PACKAGES)('%s ships dist, types, README and package.json, and no sources, tests or build info', (dir) => {
    const { files } = packed.get(dir)!;
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/dist/index.js',
        'package/dist/index.d.ts',
      ]),
    );
    expect(files.filter((f) => /\.test\.|\.tsbuildinfo$|\.map$|^package\/(src|test|tests)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('package/dist/') && f.endsWith('.js')).length).toBeGreaterThan(3);
  });

  it.each(PACKAGES)('%s ships its LICENSE and says where its source lives', (dir) => {
    const { files, manifest } = packed.get(dir)!;
    expect(files).toContain('package/LICENSE');
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${dir}` });
  });

  it.each(PACKAGES)('%s has workspace: and catalog: specs rewritten to real versions', (dir) => {
    const { manifest } = packed.get(dir)!;
    const specs = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies });
    expect(specs.length).toBeGreaterThan(0);
    expect(specs.filter(([, spec]) => /^(workspace|catalog):/.test(spec))).toEqual([]);
    for (const [name, spec] of Object.entries(manifest.dependencies ?? {})) {
      if (name.startsWith('@chat-studio/'))
        expect(spec).toBe(packed.get(name.slice('@chat-studio/'.length) as PackageDir)!.manifest.version);
      expect(name).not.toMatch(/^@chat-studio\/(api|web)$/);
    }
  });

  it('llm-runtime exposes its CLI as a bin that exists in the tarball', async () => {
    const manifest = packed.get('llm-runtime')!.manifest as Manifest & { bin?: Record<string, string> };
    const bin = manifest.bin?.['chat-studio-models'];
    expect(bin).toBeDefined();
    expect(packed.get('llm-runtime')!.files).toContain(`package/${bin!.replace(/^\.\//, '')}`);
  });
});

describe('a project outside the workspace', () => {
  it('installed the packages and a built better-sqlite3, without GPU binaries', async () => {
    expect(project.startsWith(repoRoot)).toBe(false);
    const nodeModules = join(project, 'node_modules');
    for (const dir of PACKAGES)
      expect(existsSync(join(nodeModules, '@chat-studio', dir, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(nodeModules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    expect((await readdir(join(nodeModules, '@node-llama-cpp'))).sort()).toEqual([llamaBinaryPackage().split('/')[1]]);
  });

  it('runs a plain ESM script against the store, the model, the schemas, the client and security', async () => {
    const workDir = join(project, 'work');
    await mkdir(workDir);
    await copyFile(join(fixtures, 'consumer.mjs'), join(project, 'consumer.mjs'));
    const { stdout } = await timed('consumer script', () =>
      run(process.execPath, ['consumer.mjs'], {
        cwd: project,
        env: { ...process.env, MODELS_DIR: modelsDir, WORK_DIR: workDir },
        timeout: 120_000,
      }),
    );
    const steps = Object.fromEntries(
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { step: string } & Record<string, unknown>)
        .map((entry) => [entry.step, entry]),
    );

    expect(steps.search).toMatchObject({
      count: 1,
      session_title: 'Dessert',
      snippet: 'Where can I eat crème brûlée in Zürich?',
      highlighted: ['crème', 'brûlée'],
    });
    expect(steps.validate).toEqual({
      step: 'validate',
      valid: true,
      invalid: false,
      invalid_paths: ['message', 'params.temperature', 'session_id'],
    });
    expect(steps.password).toEqual({ step: 'password', scheme: 'scrypt', right: true, wrong: false });
    expect(steps.sanitize).toEqual({ step: 'sanitize', html: '&lt;b&gt;hi&lt;/b&gt;' });

    expect(steps.status).toMatchObject({ state: 'ready', threads: 1 });
    expect(steps.status!.models).toContain(steps.status!.model_id);

    const generate = steps.generate as unknown as {
      pieces: number;
      streamed: string;
      text: string;
      stats: Record<string, unknown>;
    };
    expect(generate.pieces).toBeGreaterThan(0);
    expect(generate.text.length).toBeGreaterThan(0);
    expect(generate.streamed).toBe(generate.text);
    expect(generate.stats.completion_tokens).toBeGreaterThan(0);
    expect(generate.stats.completion_tokens).toBeLessThanOrEqual(12);
    expect(['length', 'stop']).toContain(generate.stats.finish_reason);

    const stream = steps.stream as unknown as {
      types: string[];
      tokens: string;
      done_content: string;
      done_status: string;
    };
    expect(stream.types).toEqual(['start', 'token', 'done']);
    expect(stream.tokens.length).toBeGreaterThan(0);
    expect(stream.done_content).toBe(stream.tokens);
    expect(stream.done_status).toBe('complete');
    expect(steps.stream_error).toMatchObject({
      api_error: true,
      status: 400,
      code: 'validation_error',
      details: ['session_id'],
    });
    expect(steps.stored).toMatchObject({ roles: ['user', 'assistant', 'user', 'assistant'], last: stream.tokens });
    expect(steps.unexpected).toBeUndefined();
    expect(steps.end).toBeDefined();
  }, 150_000);

  it('loads the packages from CommonJS with require(), and llm-runtime with import() too', async () => {
    await copyFile(join(fixtures, 'consumer.cjs'), join(project, 'consumer.cjs'));
    const { stdout } = await run(process.execPath, ['consumer.cjs'], { cwd: project, timeout: 60_000 });
    const steps = Object.fromEntries(
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { step: string } & Record<string, unknown>)
        .map((entry) => [entry.step, entry]),
    );
    expect(steps.protocol).toMatchObject({ has_client: true });
    expect(steps['chat-store']).toMatchObject({ has_open: true });
    expect(steps.security).toMatchObject({ has_sanitize: true });
    // node-llama-cpp's module graph awaits at the top level, which require() cannot wait for; the main entry loads it
    // only when a local model is first used, so require() works for llm-runtime too.
    expect(steps['llm-runtime-require']).toMatchObject({ loaded: true, has_runtime: true });
    expect(steps['llm-runtime-import']).toMatchObject({ has_runtime: true });
  }, 90_000);

  it('runs the chat-studio-models bin that npm linked from the llm-runtime tarball', async () => {
    const { stdout } = await run(join(project, 'node_modules', '.bin', 'chat-studio-models'), ['list'], {
      cwd: project,
      env: { ...process.env, MODELS_DIR: modelsDir },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^ID\s+SIZE/);
    expect(stdout).toMatch(/\bavailable\b/);
  }, 90_000);

  describe('type-checks a TypeScript consumer with the workspace tsc (strict, NodeNext)', () => {
    it('resolves every import through the exports maps with skipLibCheck on', async () => {
      await copyFile(join(fixtures, 'consumer-types.ts'), join(project, 'consumer-types.ts'));
      expect(await timed('tsc (skipLibCheck)', () => typeCheck(true))).toEqual([]);
    }, 150_000);

    it('finds no errors in our own .d.ts files, nor in node-llama-cpp reached through them, with skipLibCheck off', async () => {
      // chat-store's declarations import its drivers' types (better-sqlite3, pg), so it ships them as
      // dependencies: a consumer needs nothing extra. node-llama-cpp's own declarations fail a full check (an
      // untyped async-retry, a `tempDir` LlamaOptions lacks), so llm-runtime's main entry never loads them: what is
      // typed with them is under `@chat-studio/llm-runtime/llama-cpp`. Other third-party errors are printed.
      const store = packed.get('chat-store')!.manifest;
      expect(Object.keys(store.dependencies ?? {})).toEqual(
        expect.arrayContaining(['@types/better-sqlite3', '@types/pg']),
      );
      await copyFile(join(fixtures, 'consumer-types.ts'), join(project, 'consumer-types.ts'));
      const errors = await timed('tsc (full lib check)', () => typeCheck(false));
      const ours = errors.filter(
        (line) =>
          line.startsWith('consumer-types.ts') || line.includes('@chat-studio/') || line.includes('node-llama-cpp'),
      );
      if (errors.length > ours.length) console.info(`third-party declaration errors:\n${errors.join('\n')}`);
      expect(ours).toEqual([]);
    }, 150_000);
  });

  it('fails to type-check a wrong call, so the check above can fail', async () => {
    await writeFile(
      join(project, 'consumer-types.ts'),
      (await readFile(join(fixtures, 'consumer-types.ts'), 'utf8')).replace('// @ts-expect-error', '//'),
    );
    const errors = await typeCheck(true);
    expect(errors.join('\n')).toMatch(/consumer-types\.ts\(\d+,\d+\): error TS\d+:.*"robot"/);
  }, 150_000);
});
