#!/usr/bin/env node
/** `pnpm maintenance`: integrity and foreign-key checks, search index optimize, VACUUM, ANALYZE, temp cleanup, sizes before/after. */
import { parseCommandArgs, runCommand } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import { formatBytes, formatTable } from '../format/index.js';
import { MaintenanceAbortedError, runMaintenance, type MaintenanceReport } from '../maintenance/index.js';

const USAGE = `Usage: maintenance [--rebuild-fts] [--fix] [--json]
  --rebuild-fts  recreate the search index (definition, triggers, contents) from any state (default: verify it
                 and merge its segments)
  --fix          back up, then remove orphan rows and recreate a search index that is not ours
  --json         print the report as JSON
Safe while the server runs. Reads DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH (default data/chat_history.db).`;

function summary(report: MaintenanceReport): string {
  const rows = [
    ['STEP', 'RESULT', 'MS', 'DETAIL'],
    ...report.steps.map((s) => [s.name, s.ok ? 'ok' : 'FAILED', String(s.ms), s.detail]),
  ];
  const postgres = report.backend === 'postgres';
  const size = (x: MaintenanceReport['before']) =>
    postgres
      ? `database size ${formatBytes(x.stats.fileSizeBytes)}`
      : `${formatBytes(x.stats.fileSizeBytes)} + ${formatBytes(x.stats.walSizeBytes)} WAL`;
  const disk = (x: MaintenanceReport['before']) =>
    x.diskFreeBytes === null ? '' : `, disk free ${formatBytes(x.diskFreeBytes)}`;
  const lines = [
    `Database ${report.databasePath}`,
    '',
    formatTable(rows),
    '',
    `before: ${size(report.before)}, ${report.before.stats.sessions} sessions, ${report.before.stats.messages} messages${disk(report.before)}`,
  ];
  if (report.after) {
    lines.push(
      `after:  ${size(report.after)}, ${report.after.stats.sessions} sessions, ${report.after.stats.messages} messages${disk(report.after)}`,
    );
  }
  lines.push('', report.ok ? 'Maintenance complete.' : 'Maintenance finished with problems (see above).');
  return lines.join('\n');
}

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    'rebuild-fts': { type: 'boolean', default: false },
    fix: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const config = loadOpsConfig();
  try {
    const report = await runMaintenance(config, {
      rebuildFts: values['rebuild-fts'],
      fix: values.fix,
      log: values.json ? () => {} : (line) => console.error(line),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : summary(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof MaintenanceAbortedError) {
      console.log(
        values.json
          ? JSON.stringify({ ...error.report, error: error.message }, null, 2)
          : `${summary(error.report)}\n${error.message}`,
      );
      return 1;
    }
    throw error;
  }
});
