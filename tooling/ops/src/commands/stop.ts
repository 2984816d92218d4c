#!/usr/bin/env node
/** `pnpm stop [--all]`: SIGTERM to the server in the pid file (or every one of this database on this host), SIGKILL after a bounded wait. */
import { numberOption, parseCommandArgs, runCommand } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import { describeInstance, findInstances, stopServer } from '../process/index.js';

const USAGE = `Usage: stop [--all] [--timeout SECONDS]
  --all      stop every API process of this database on this host (pid files beside the database and the
             processes registered in the database); processes on other hosts are listed, not stopped
  --timeout  seconds to wait after SIGTERM before SIGKILL (default 15)
Without --all: the instance INSTANCE (else PORT, else 5000), from its pid file
(PID_FILE, default chat-studio-<instance>.pid beside the database).`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), { timeout: { type: 'string' }, all: { type: 'boolean' } });
  const config = loadOpsConfig();
  const timeoutMs = numberOption(values.timeout, 15, 'timeout') * 1000;
  if (!values.all) {
    const result = await stopServer({ pidFile: config.pidFile, timeoutMs, log: (l) => console.log(l) });
    console.log(result.message);
    return result.outcome === 'stopped' || result.outcome === 'not_running' ? 0 : 1;
  }
  const instances = await findInstances({
    dataDir: config.dataDir,
    pidFile: config.pidFile,
    target: config.databaseUrl ?? config.databasePath,
  });
  const local = instances.filter((i) => i.local && i.alive);
  const remote = instances.filter((i) => !i.local && i.alive);
  if (local.length === 0) console.log('No API process of this database is running on this host');
  // Side by side: each waits for its own process, so N processes take one timeout, not N.
  const results = await Promise.all(
    local.map(async (i) => {
      const result = await stopServer({
        pid: i.pid,
        pidFile: i.pidFile ?? undefined,
        timeoutMs,
        log: (l) => console.log(`${i.instance}: ${l}`),
      });
      console.log(`${describeInstance(i)}: ${result.message}`);
      return result;
    }),
  );
  for (const i of remote) console.log(`Still running elsewhere, stop it there: ${describeInstance(i)}`);
  return results.every((r) => r.outcome === 'stopped' || r.outcome === 'not_running') ? 0 : 1;
});
