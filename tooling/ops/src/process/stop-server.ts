import { isProcessAlive, readPidFile, removeFile } from './pid-file.js';

export interface StopServerOptions {
  pidFile: string;
  /** How long to wait after SIGTERM before SIGKILL. Defaults to 15,000 ms. */
  timeoutMs?: number;
  /** Progress lines. Defaults to nothing. */
  log?: (line: string) => void;
}

/** `stopped`: exited after SIGTERM; `killed`: needed SIGKILL; `not_running`: no pid file or a stale one. */
export interface StopServerResult {
  outcome: 'stopped' | 'killed' | 'not_running' | 'failed';
  pid: number | null;
  message: string;
  waitedMs: number;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isProcessAlive(pid);
}

/**
 * Stops the server named by the pid file: SIGTERM (the server finishes streams, stores partial replies, closes
 * the database), then SIGKILL after `timeoutMs`. A stale pid file is removed.
 *
 * @example
 * const result = await stopServer({ pidFile: 'data/chat-studio.pid' });
 * console.log(result.message);
 */
export async function stopServer(options: StopServerOptions): Promise<StopServerResult> {
  const { pidFile, timeoutMs = 15_000, log = () => {} } = options;
  const pid = readPidFile(pidFile);
  if (pid === null) return { outcome: 'not_running', pid: null, message: `Not running: no pid file at ${pidFile}`, waitedMs: 0 };
  if (pid === process.pid || !isProcessAlive(pid)) {
    removeFile(pidFile);
    return { outcome: 'not_running', pid, message: `Not running: process ${pid} is gone; removed the stale pid file ${pidFile}`, waitedMs: 0 };
  }
  const started = Date.now();
  log(`Sending SIGTERM to ${pid} …`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    return { outcome: 'failed', pid, message: `Could not signal ${pid}: ${(error as Error).message}`, waitedMs: 0 };
  }
  if (await waitForExit(pid, timeoutMs)) {
    removeFile(pidFile);
    return { outcome: 'stopped', pid, message: `Stopped server ${pid} in ${Date.now() - started} ms`, waitedMs: Date.now() - started };
  }
  log(`Process ${pid} still running after ${timeoutMs} ms; sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It may have exited between the check and the kill.
  }
  const gone = await waitForExit(pid, 5000);
  if (gone) removeFile(pidFile);
  return gone
    ? {
        outcome: 'killed',
        pid,
        message: `Server ${pid} did not exit within ${timeoutMs} ms of SIGTERM and was killed (SIGKILL); run \`pnpm maintenance\` to check the database`,
        waitedMs: Date.now() - started,
      }
    : { outcome: 'failed', pid, message: `Server ${pid} is still running after SIGKILL`, waitedMs: Date.now() - started };
}
