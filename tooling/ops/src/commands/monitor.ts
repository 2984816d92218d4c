#!/usr/bin/env node
/** `pnpm monitor`: polls /health and logs each state change with a timestamp; Ctrl+C exits with 0. */
import { numberOption, parseCommandArgs, runCommand } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import { monitorHealth } from '../monitor/index.js';

const USAGE = `Usage: monitor [--url URL] [--interval SECONDS] [--once | --count N]
  --url       server base URL (default CHAT_STUDIO_URL or http://HOST:PORT, 127.0.0.1:5000)
  --interval  seconds between polls (default 10)
  --once      poll once and exit
  --count     poll N times and exit`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    url: { type: 'string' },
    interval: { type: 'string' },
    once: { type: 'boolean', default: false },
    count: { type: 'string' },
  });
  const config = loadOpsConfig();
  const baseUrl = values.url ? values.url.replace(/\/+$/, '') : config.baseUrl;
  const intervalS = numberOption(values.interval, 10, 'interval', 0.05);
  const count = values.once
    ? 1
    : values.count !== undefined
      ? Math.floor(numberOption(values.count, 1, 'count', 1))
      : Infinity;
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(
    `Monitoring ${baseUrl}/health every ${intervalS} s${Number.isFinite(count) ? ` (${count} poll(s))` : '; Ctrl+C to stop'}`,
  );
  const result = await monitorHealth({ baseUrl, intervalS, count, signal: ac.signal });
  if (ac.signal.aborted) console.log(`${new Date().toISOString()} stopped after ${result.polls} poll(s)`);
  return 0;
});
