#!/usr/bin/env node
/** `pnpm health`: checks the server, models, database and machine; exit code 1 when any check fails. */
import { numberOption, parseCommandArgs, runCommand } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import { formatHealthReport, runHealthChecks } from '../health/index.js';

const USAGE = `Usage: health [--url URL] [--key KEY] [--json] [--timeout SECONDS]
  --url      server base URL (default CHAT_STUDIO_URL or http://HOST:PORT, 127.0.0.1:5000)
  --key      API key for a server with AUTH=on (default CHAT_STUDIO_KEY; create one with pnpm keys create NAME)
  --json     print the report as JSON
  --timeout  seconds to wait for each HTTP answer (default 3)`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    url: { type: 'string' },
    key: { type: 'string' },
    json: { type: 'boolean', default: false },
    timeout: { type: 'string' },
  });
  const config = loadOpsConfig();
  if (values.url) config.baseUrl = values.url.replace(/\/+$/, '');
  if (values.key) config.apiKey = values.key;
  const report = await runHealthChecks(config, { timeoutMs: numberOption(values.timeout, 3, 'timeout') * 1000 });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatHealthReport(report));
  return report.ok ? 0 : 1;
});
