import { statSync } from 'node:fs';
import path from 'node:path';
import { REBUILD_FTS_COMMAND, type ChatStore, type StoreStats } from '@chat-studio/chat-store';
import { postgresLabel, type OpsConfig } from '../config/index.js';
import { openWritableStore } from '../database/index.js';
import { diskSpace } from '../system/index.js';
import { backupDatabase } from '../backup/index.js';
import { cleanTempDir } from './clean-temp.js';

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export interface MaintenanceOptions {
  /**
   * Recreate the search index (definition, triggers, contents) from whatever state it is in, instead of only merging
   * its segments. Defaults to `false`.
   */
  rebuildFts?: boolean;
  /**
   * Repair what can be repaired: back the database up, then remove orphan rows (what foreign_key_check lists) and
   * recreate a search index that is not ours. Defaults to `false` (report only).
   */
  fix?: boolean;
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

/** The command that repairs orphan rows. */
export const FIX_COMMAND = 'pnpm maintenance --fix';

interface IndexOptions {
  rebuild: boolean;
  fix: boolean;
  indexName: string;
  /** Makes the backup taken before `fix` deletes anything; returns its file. */
  backup: () => Promise<string>;
}

/** The search index: verified (definition, triggers, rows), recreated when asked or when `fix` finds it broken. */
async function searchIndexSteps(
  store: ChatStore,
  step: Step,
  { rebuild, fix, indexName }: IndexOptions,
): Promise<void> {
  const check = await store.maintenance.checkSearchIndex({ full: true });
  const recreate = rebuild || (fix && !check.ok);
  await step(`${indexName} check`, async () => ({
    ok: check.ok || recreate,
    detail: check.ok
      ? ''
      : `${check.problems.join('; ')}${recreate ? ' — recreating it' : ` — fix: ${REBUILD_FTS_COMMAND}`}`,
  }));
  if (recreate) {
    await step(`${indexName} rebuild`, async () => {
      await store.maintenance.rebuildSearchIndex();
      const after = await store.maintenance.checkSearchIndex({ full: true });
      return {
        ok: after.ok,
        detail: after.ok
          ? 'recreated with its definition and triggers, every message indexed'
          : after.problems.join('; '),
      };
    });
  } else if (check.ok) {
    await step(`${indexName} optimize`, async () => {
      await store.maintenance.optimizeSearchIndex();
      return { ok: true, detail: '' };
    });
  }
}

/** The part both engines share: integrity (abort on failure), the search index, then foreign keys (and orphans). */
async function checkAndIndex(
  store: ChatStore,
  step: Step,
  report: MaintenanceReport,
  options: IndexOptions,
): Promise<void> {
  const integrity = await step('integrity_check', async () => {
    const r = await store.maintenance.integrityCheck();
    const skipped = r.ok && !(r.messages.length === 1 && r.messages[0] === 'ok');
    return { ok: r.ok, detail: r.ok ? (skipped ? r.messages.join('; ') : '') : r.messages.slice(0, 5).join('; ') };
  });
  if (!integrity.ok)
    throw new MaintenanceAbortedError(
      'integrity_check failed: not changing the database; restore a backup with `pnpm restore`',
      report,
    );

  // Before the orphans: removing an orphan message runs the index's delete trigger, which a foreign index breaks.
  await searchIndexSteps(store, step, options);
  const fk = await store.maintenance.foreignKeyCheck();
  const orphanTables = [...new Set(fk.rows.map((x) => x.table))].join(', ');
  await step('foreign_key_check', async () => ({
    ok: fk.ok || options.fix,
    detail: fk.ok
      ? ''
      : `${fk.rows.length} orphan row(s) in ${orphanTables}${options.fix ? '' : ` — fix: ${FIX_COMMAND} (backs up first)`}`,
  }));
  // Vectors for search by meaning against the messages: orphans, missing ones, a wrong dimension.
  await step('vectors check', async () => {
    const check = await store.vectors.check();
    return { ok: check.ok, detail: check.problems.join(' ') };
  });
  if (!fk.ok && options.fix) {
    await step('remove orphans', async () => {
      const file = await options.backup();
      const removed = await store.maintenance.removeOrphans();
      const per = Object.entries(removed.byTable)
        .map(([table, n]) => `${table}: ${n}`)
        .join(', ');
      const after = await store.maintenance.foreignKeyCheck();
      return {
        ok: after.ok,
        detail: `removed ${removed.removed} orphan row(s)${per ? ` (${per})` : ''}; backup first: ${file}`,
      };
    });
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
  config: Pick<OpsConfig, 'databasePath' | 'dataDir'> &
    Partial<Pick<OpsConfig, 'databaseUrl' | 'databaseLabel' | 'backupDir'>>,
  options: MaintenanceOptions = {},
): Promise<MaintenanceReport> {
  const log = options.log ?? (() => {});
  const url = config.databaseUrl;
  // No statistics written at open or close: a damaged file is refused by the integrity check before any write.
  const store = await openWritableStore(url ?? config.databasePath, undefined, { optimize: false });
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

  const indexOptions = (indexName: string): IndexOptions => ({
    rebuild: options.rebuildFts ?? false,
    fix: options.fix ?? false,
    indexName,
    backup: async () =>
      (
        await backupDatabase({
          databasePath: config.databasePath,
          databaseUrl: url,
          backupDir: config.backupDir ?? path.join(config.dataDir, 'backups'),
        })
      ).file,
  });
  try {
    if (url) {
      const label = config.databaseLabel ?? postgresLabel(url);
      const report: MaintenanceReport = {
        ok: false,
        backend: 'postgres',
        databasePath: label,
        before: { stats: await store.maintenance.stats(), diskFreeBytes: null },
        after: null,
        steps,
      };
      await checkAndIndex(store, step, report, indexOptions('search index'));
      await step('VACUUM ANALYZE', async () => {
        await store.maintenance.vacuum();
        return { ok: true, detail: '' };
      });
      report.after = { stats: await store.maintenance.stats(), diskFreeBytes: null };
      report.ok = steps.every((s) => s.ok);
      return report;
    }

    const before = {
      stats: await store.maintenance.stats(),
      diskFreeBytes: (await diskSpace(config.dataDir)).freeBytes,
    };
    const report: MaintenanceReport = {
      ok: false,
      backend: 'sqlite',
      databasePath: config.databasePath,
      before,
      after: null,
      steps,
    };
    await checkAndIndex(store, step, report, indexOptions('fts'));
    await step('VACUUM', async () => {
      await store.maintenance.vacuum();
      return { ok: true, detail: '' };
    });
    await step('ANALYZE', async () => {
      await store.maintenance.analyze();
      return { ok: true, detail: '' };
    });
    await step('clean temp', async () => {
      const r = await cleanTempDir(path.join(config.dataDir, 'temp'), options.tempMinAgeMs);
      return { ok: true, detail: `${r.removed} entr${r.removed === 1 ? 'y' : 'ies'} removed (${r.bytes} bytes)` };
    });

    const afterStats = await store.maintenance.stats();
    await store.close();
    // Closing checkpoints the WAL that VACUUM filled (unless the server holds the file open), so sizes come after.
    report.after = {
      stats: {
        ...afterStats,
        fileSizeBytes: fileSize(config.databasePath),
        walSizeBytes: fileSize(`${config.databasePath}-wal`),
      },
      diskFreeBytes: (await diskSpace(config.dataDir)).freeBytes,
    };
    report.ok = steps.every((s) => s.ok);
    return report;
  } finally {
    await store.close();
  }
}
