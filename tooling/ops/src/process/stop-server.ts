import { isProcessAlive, readPidFile, removeFile } from './pid-file.js';

export interface StopServerOptions {
  /** The pid file naming the server; removed once it is gone. */
  pidFile?: string;
  /** The process to stop when it is known another way (the registry in the database). Defaults to the pid file's. */
  pid?: number;
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
  const { timeoutMs = 15_000, log = () => {} } = options;
  // Only a pid file that still names this process is removed: another server may have taken the file over.
  const removePidFile = () => {
    if (options.pidFile && readPidFile(options.pidFile) === pid) removeFile(options.pidFile);
  };
  const pid = options.pid ?? (options.pidFile ? readPidFile(options.pidFile) : null);
  if (pid === null)
    return {
      outcome: 'not_running',
      pid: null,
      message: `Not running: no pid file at ${options.pidFile}`,
      waitedMs: 0,
    };
  if (pid === process.pid || !isProcessAlive(pid)) {
    removePidFile();
    return {
      outcome: 'not_running',
      pid,
      message: `Not running: process ${pid} is gone${options.pidFile ? `; removed the stale pid file ${options.pidFile}` : ''}`,
      waitedMs: 0,
    };
  }
  const started = Date.now();
  log(`Sending SIGTERM to ${pid} …`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    return { outcome: 'failed', pid, message: `Could not signal ${pid}: ${(error as Error).message}`, waitedMs: 0 };
  }
  if (await waitForExit(pid, timeoutMs)) {
    removePidFile();
    return {
      outcome: 'stopped',
      pid,
      message: `Stopped server ${pid} in ${Date.now() - started} ms`,
      waitedMs: Date.now() - started,
    };
  }
  log(`Process ${pid} still running after ${timeoutMs} ms; sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It may have exited between the check and the kill.
  }
  const gone = await waitForExit(pid, 5000);
  if (gone) removePidFile();
  return gone
    ? {
        outcome: 'killed',
        pid,
        message: `Server ${pid} did not exit within ${timeoutMs} ms of SIGTERM and was killed (SIGKILL); run \`pnpm maintenance\` to check the database`,
        waitedMs: Date.now() - started,
      }
    : {
        outcome: 'failed',
        pid,
        message: `Server ${pid} is still running after SIGKILL`,
        waitedMs: Date.now() - started,
      };
}
