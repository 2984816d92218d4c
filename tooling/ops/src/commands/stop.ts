#!/usr/bin/env node
/** `pnpm stop`: SIGTERM to the server in the pid file, SIGKILL after a bounded wait; removes a stale pid file. */
import { numberOption, parseCommandArgs, runCommand } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import { stopServer } from '../process/index.js';

const USAGE = `Usage: stop [--timeout SECONDS]
  --timeout  seconds to wait after SIGTERM before SIGKILL (default 15)
Reads PID_FILE (default chat-studio.pid beside the database).`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), { timeout: { type: 'string' } });
  const config = loadOpsConfig();
  const result = await stopServer({
    pidFile: config.pidFile,
    timeoutMs: numberOption(values.timeout, 15, 'timeout') * 1000,
    log: (l) => console.log(l),
  });
  console.log(result.message);
  return result.outcome === 'stopped' || result.outcome === 'not_running' ? 0 : 1;
});
