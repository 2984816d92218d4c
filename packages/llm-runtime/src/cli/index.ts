#!/usr/bin/env node
/** Models CLI: `chat-studio-models list` and `chat-studio-models pull <hf:user/repo/file.gguf | URL>`. */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar, Presets } from 'cli-progress';
import { pullModel } from '../download/index.js';
import { LlmRuntimeError } from '../errors/index.js';
import { scanModels, type ScannedModel } from '../registry/index.js';

const USAGE = `Usage:
  models list                      list the .gguf files in the models folder
  models pull <hf:user/repo/file.gguf | https://…/file.gguf>
                                   download into the models folder (resumes an interrupted download)

Environment: MODELS_DIR (default ./models), HF_ENDPOINT (default https://huggingface.co), HF_TOKEN`;

/**
 * Runs the CLI with `argv` (without node and script) and the variables `env` (the entry point passes `process.env`;
 * nothing else is read); returns the exit code.
 */
export async function runModelsCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const modelsDir = path.resolve(env.MODELS_DIR?.trim() || 'models');
  const [command, ...rest] = argv;
  try {
    if (command === 'list') {
      printTable(await scanModels(modelsDir), modelsDir);
      return 0;
    }
    if (command === 'pull' && rest[0]) {
      await pull(rest[0], modelsDir, env);
      return 0;
    }
    console.error(USAGE);
    return command === undefined || command === '--help' || command === '-h' ? 0 : 1;
  } catch (error) {
    // Expected failures (offline, HTTP errors, bad files) get one line, not a stack trace.
    console.error(
      `error: ${error instanceof LlmRuntimeError || error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

async function pull(source: string, modelsDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} MiB | {speed} MiB/s',
      hideCursor: true,
      noTTYOutput: false,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  const startTime = Date.now();
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  try {
    const result = await pullModel({
      source,
      modelsDir,
      ...(env.HF_ENDPOINT ? { hfEndpoint: env.HF_ENDPOINT } : {}),
      ...(env.HF_TOKEN ? { token: env.HF_TOKEN } : {}),
      onProgress: (received, total) => {
        const speed = mib(received / Math.max(0.001, (Date.now() - startTime) / 1000));
        if (!started) {
          started = true;
          bar.start(mib(total ?? received), mib(received), { speed });
        }
        if (total !== null) bar.setTotal(mib(total));
        bar.update(mib(received), { speed });
      },
    });
    if (started) bar.stop();
    if (result.alreadyPresent) console.log(`${path.basename(result.path)} is already in ${modelsDir}`);
    else
      console.log(
        `saved ${result.path} (${mib(result.bytes)} MiB${result.resumed ? ', resumed' : ''}); it is a valid GGUF`,
      );
  } finally {
    if (started) bar.stop();
  }
}

function printTable(models: ScannedModel[], modelsDir: string): void {
  if (models.length === 0) {
    console.log(`no models in ${modelsDir}: put a .gguf file there or run "models pull <hf:user/repo/file.gguf>"`);
    return;
  }
  const rows = [
    ['ID', 'SIZE', 'QUANT', 'CONTEXT', 'STATUS'],
    ...models.map((model) => [
      model.id,
      formatBytes(model.size_bytes),
      model.quantization ?? '-',
      model.context_length?.toString() ?? '-',
      model.status === 'broken' ? `broken: ${model.error}` : model.status,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    console.log(
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
    );
  }
}

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

// Run when executed directly (bin or `node dist/cli/index.js`), not when imported by tests.
if (isMain()) {
  // The program's entry: the one place this package's CLI reads the process environment.
  runModelsCli(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}

function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    // The bin is a symlink in node_modules/.bin, so compare real paths.
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
