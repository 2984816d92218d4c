#!/usr/bin/env node
/** `pnpm collect-logs`: one .tar.gz with logs, versions, system, GPU, database schema and redacted configuration. */
import { numberOption, parseCommandArgs, runCommand } from '../cli/index.js';
import { fromRoot, loadOpsConfig } from '../config/index.js';
import { collectLogs } from '../collect-logs/index.js';
import { formatBytes } from '../format/index.js';

const USAGE = `Usage: collect-logs [--out DIR] [--lines N]
  --out    folder for the archive (default: the data folder)
  --lines  lines kept from the end of each log file (default 2000)`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), { out: { type: 'string' }, lines: { type: 'string' } });
  const config = loadOpsConfig();
  const result = await collectLogs(config, {
    ...(values.out ? { outDir: fromRoot(values.out) } : {}),
    lines: Math.floor(numberOption(values.lines, 2000, 'lines', 1)),
  });
  console.log(
    `Wrote ${result.archive} (${formatBytes(result.sizeBytes)}, ${result.files.length} files). Secrets are redacted; attach it to your bug report.`,
  );
  return 0;
});
