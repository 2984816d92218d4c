import { formatTable } from '../format/index.js';
import type { HealthReport } from './run-health-checks.js';

const LABEL = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

/** The report as an aligned table with a one-line verdict. */
export function formatHealthReport(report: HealthReport): string {
  const rows = [['CHECK', 'STATUS', 'DETAIL'], ...report.checks.map((c) => [c.name, LABEL[c.status], c.detail])];
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  const verdict = failed
    ? `${failed} check(s) failed`
    : warned
      ? `healthy with ${warned} warning(s)`
      : 'all checks passed';
  return `Chat Studio health — ${report.baseUrl}, database ${report.databasePath}\n\n${formatTable(rows)}\n\n${verdict}`;
}
