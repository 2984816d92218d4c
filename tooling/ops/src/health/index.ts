/** Health checks of the server, the database and the machine. */
export { runHealthChecks, type CheckResult, type CheckStatus, type HealthReport } from './run-health-checks.js';
export { formatHealthReport } from './format-health-report.js';
