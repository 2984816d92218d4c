import { readFileSync, rmSync } from 'node:fs';

/** The pid in `file`, or null when the file is missing or does not hold a positive integer. */
export function readPidFile(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** `true` when a process with this pid exists (signal 0 probes without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the running server per its pid file, or null when there is no file or its process is gone. */
export function runningServerPid(pidFile: string): number | null {
  const pid = readPidFile(pidFile);
  return pid !== null && isProcessAlive(pid) ? pid : null;
}

export function removeFile(file: string): void {
  rmSync(file, { force: true });
}
