import { statSync } from 'node:fs';
import path from 'node:path';
import type { ChatStore, StoreStats } from '@chat-studio/chat-store';
import { postgresLabel, type OpsConfig } from '../config/index.js';
import { openWritableStore } from '../database/index.js';
import { diskSpace } from '../system/index.js';
import { cleanTempDir } from './clean-temp.js';

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export interface MaintenanceOptions {
  /** Rebuild the FTS index from the messages instead of only merging its segments. Defaults to `false`. */
  rebuildFts?: boolean;
  /** Age below which files in `data/temp` are kept. Defaults to one hour. */
  tempMinAgeMs?: number;
  /** Progress lines. Defaults to nothing. */
  log?: (line: string) => void;
}

/** One step and how it went. */
export interface MaintenanceStep {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export interface MaintenanceReport {
  ok: boolean;
  /** Which engine was maintained. */
  backend: 'sqlite' | 'postgres';
  /** The SQLite file, or `PostgreSQL <host>/<db>` (no credentials). */
  databasePath: string;
  /** `stats.fileSizeBytes` is the whole database on PostgreSQL; `diskFreeBytes` is null there (the disk is the server's). */
  before: { stats: StoreStats; diskFreeBytes: number | null };
  after: { stats: StoreStats; diskFreeBytes: number | null } | null;
  steps: MaintenanceStep[];
}

/** Thrown when a step that must not be skipped (integrity) fails; the report says which. */
export class MaintenanceAbortedError extends Error {
  override name = 'MaintenanceAbortedError';
  constructor(
    message: string,
    readonly report: MaintenanceReport,
  ) {
    super(message);
  }
}

type Step = (name: string, fn: () => Promise<{ ok: boolean; detail: string }>) => Promise<MaintenanceStep>;

/** The part both engines share: integrity (abort on failure), foreign keys, then the search index. */
async function checkAndIndex(store: ChatStore, step: Step, report: MaintenanceReport, rebuild: boolean, indexName: string): Promise<void> {
  const integrity = await step('integrity_check', async () => {
    const r = await store.maintenance.integrityCheck();
    const skipped = r.ok && !(r.messages.length === 1 && r.messages[0] === 'ok');
    return { ok: r.ok, detail: r.ok ? (skipped ? r.messages.join('; ') : '') : r.messages.slice(0, 5).join('; ') };
  });
  if (!integrity.ok) throw new MaintenanceAbortedError('integrity_check failed: not changing the database; restore a backup with `pnpm restore`', report);

  await step('foreign_key_check', async () => {
    const r = await store.maintenance.foreignKeyCheck();
    return { ok: r.ok, detail: r.ok ? '' : `${r.rows.length} orphan row(s) in ${[...new Set(r.rows.map((x) => x.table))].join(', ')}` };
  });
  if (rebuild) {
    await step(`${indexName} rebuild`, async () => (await store.maintenance.rebuildSearchIndex(), { ok: true, detail: '' }));
  } else {
    await step(`${indexName} optimize`, async () => (await store.maintenance.optimizeSearchIndex(), { ok: true, detail: '' }));
  }
}

/**
 * Checks and tidies the database: integrity_check, foreign_key_check, FTS optimize (or rebuild), VACUUM, ANALYZE,
 * then cleans `data/temp`. Safe beside a running server: WAL mode lets readers go on, and the long busy timeout
 * makes VACUUM wait for the server's writes instead of failing. Stops before changing anything when integrity
 * fails, because VACUUM on a damaged file can lose rows.
 *
 * With `databaseUrl` (PostgreSQL) the steps are amcheck (`integrity_check`), `foreign_key_check`, the GIN search
 * index's pending-list cleanup (or `REINDEX … CONCURRENTLY` with `rebuildFts`) and `VACUUM ANALYZE`, all safe
 * beside running API processes; there is no temp folder or file size to tend, so sizes come from `stats()`.
 *
 * @example
 * const report = await runMaintenance(loadOpsConfig(), { rebuildFts: true });
 */
export async function runMaintenance(
  config: Pick<OpsConfig, 'databasePath' | 'dataDir'> & Partial<Pick<OpsConfig, 'databaseUrl' | 'databaseLabel'>>,
  options: MaintenanceOptions = {},
): Promise<MaintenanceReport> {
  const log = options.log ?? (() => {});
  const url = config.databaseUrl;
  const store = await openWritableStore(url ?? config.databasePath);
  const steps: MaintenanceStep[] = [];
  const step: Step = async (name, fn) => {
    const started = performance.now();
    log(`${name} …`);
    let result: { ok: boolean; detail: string };
    try {
      result = await fn();
    } catch (error) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    const entry = { name, ...result, ms: Math.round(performance.now() - started) };
    steps.push(entry);
    log(`${name}: ${entry.ok ? 'ok' : 'FAILED'}${entry.detail ? ` — ${entry.detail}` : ''} (${entry.ms} ms)`);
    return entry;
  };

  try {
    if (url) {
      const label = config.databaseLabel ?? postgresLabel(url);
      const report: MaintenanceReport = { ok: false, backend: 'postgres', databasePath: label, before: { stats: await store.maintenance.stats(), diskFreeBytes: null }, after: null, steps };
      await checkAndIndex(store, step, report, options.rebuildFts ?? false, 'search index');
      await step('VACUUM ANALYZE', async () => (await store.maintenance.vacuum(), { ok: true, detail: '' }));
      report.after = { stats: await store.maintenance.stats(), diskFreeBytes: null };
      report.ok = steps.every((s) => s.ok);
      return report;
    }

    const before = { stats: await store.maintenance.stats(), diskFreeBytes: (await diskSpace(config.dataDir)).freeBytes };
    const report: MaintenanceReport = { ok: false, backend: 'sqlite', databasePath: config.databasePath, before, after: null, steps };
    await checkAndIndex(store, step, report, options.rebuildFts ?? false, 'fts');
    await step('VACUUM', async () => (await store.maintenance.vacuum(), { ok: true, detail: '' }));
    await step('ANALYZE', async () => (await store.maintenance.analyze(), { ok: true, detail: '' }));
    await step('clean temp', async () => {
      const r = await cleanTempDir(path.join(config.dataDir, 'temp'), options.tempMinAgeMs);
      return { ok: true, detail: `${r.removed} entr${r.removed === 1 ? 'y' : 'ies'} removed (${r.bytes} bytes)` };
    });

    const afterStats = await store.maintenance.stats();
    await store.close();
    // Closing checkpoints the WAL that VACUUM filled (unless the server holds the file open), so sizes come after.
    report.after = {
      stats: { ...afterStats, fileSizeBytes: fileSize(config.databasePath), walSizeBytes: fileSize(`${config.databasePath}-wal`) },
      diskFreeBytes: (await diskSpace(config.dataDir)).freeBytes,
    };
    report.ok = steps.every((s) => s.ok);
    return report;
  } finally {
    await store.close();
  }
}
