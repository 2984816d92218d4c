import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import type { OpsConfig } from '../config/index.js';
import { fileTimestamp } from '../format/index.js';
import { fetchJson } from '../http/index.js';
import { redactEnv, redactText } from '../redact/index.js';
import { gatherDatabase, gatherGpu, gatherSystem, gatherVersions, listLogFiles, tailFile } from './gather.js';

export interface CollectLogsOptions {
  /** Folder for the archive. Defaults to the data folder. */
  outDir?: string;
  /** Lines kept from the end of each log file. Defaults to 2000. */
  lines?: number;
  /** Environment to report (secrets removed). Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export interface CollectLogsResult {
  archive: string;
  sizeBytes: number;
  files: string[];
}

/**
 * Writes one `.tar.gz` for a bug report: log tails, versions, OS/hardware and GPU summary, database schema and
 * counts (SQLite or, with DATABASE_URL, PostgreSQL), the server's /health and model status when it runs, and the
 * configuration from the environment. Every
 * secret is removed: variables named like KEY/SECRET/TOKEN/PASSWORD/PASS/AUTH/COOKIE/CREDENTIAL, API-key-looking
 * values and URL passwords, also wherever they appear in the logs.
 *
 * @example
 * const { archive } = await collectLogs(loadOpsConfig(), { outDir: '/tmp' });
 */
export async function collectLogs(config: OpsConfig, options: CollectLogsOptions = {}): Promise<CollectLogsResult> {
  const env = options.env ?? process.env;
  const { env: safeEnv, secrets } = redactEnv(env);
  const scrub = (text: string) => redactText(text, secrets);
  const name = `chat-studio-report-${fileTimestamp(options.now)}`;
  const staging = mkdtempSync(path.join(os.tmpdir(), 'chat-studio-report-'));
  const root = path.join(staging, name);
  const files: string[] = [];
  const write = (rel: string, content: string) => {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, scrub(content));
    files.push(rel);
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  try {
    for (const file of listLogFiles(config.logsDir)) {
      // logs/<instance>/backend.1.log keeps its instance folder in the report.
      write(
        `logs/${path.relative(config.logsDir, file).split(path.sep).join('/')}`,
        await tailFile(file, options.lines ?? 2000),
      );
    }
    write('versions.json', json(gatherVersions(config.repoRoot)));
    write('system.json', json(gatherSystem()));
    write('gpu.json', json(await gatherGpu()));
    write('database.json', json(await gatherDatabase(config.databaseUrl ?? config.databasePath, config.databaseLabel)));
    const [health, status, models] = await Promise.all(
      ['/health', '/api/llm/status', '/api/llm/models'].map((route) => fetchJson(`${config.baseUrl}${route}`, 2000)),
    );
    write('server.json', json({ baseUrl: config.baseUrl, health, status, models }));
    write(
      'config.json',
      json({
        paths: {
          database: config.databaseLabel,
          databasePath: config.databasePath,
          logsDir: config.logsDir,
          pidFile: config.pidFile,
          modelsDir: config.modelsDir,
          baseUrl: config.baseUrl,
        },
        env: safeEnv,
      }),
    );
    write(
      'README.txt',
      `Chat Studio diagnostic report, made ${new Date().toISOString()} by \`pnpm collect-logs\`.\nSecrets were replaced by [redacted]; check the files before sharing anyway.\n`,
    );

    const outDir = options.outDir ?? config.dataDir;
    mkdirSync(outDir, { recursive: true });
    const archive = path.join(outDir, `${name}.tar.gz`);
    await create({ gzip: true, file: archive, cwd: staging, portable: true }, [name]);
    return { archive, sizeBytes: statSync(archive).size, files };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
