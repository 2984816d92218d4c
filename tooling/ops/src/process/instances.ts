/**
 * Every API process using this database: the pid files beside it (`chat-studio-<instance>.pid`, and the older
 * `chat-studio.pid`) and the registry the servers keep in the database itself (`server_processes`: host, pid, port,
 * heartbeat), which also names processes whose pid files live elsewhere or on other hosts.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerProcessRow } from '@chat-studio/chat-store';
import { openReadonlyStore } from '../database/index.js';
import { isProcessAlive, readPidFile } from './pid-file.js';

/** A process on another host is taken for alive while its last heartbeat is younger than this. */
export const REMOTE_STALE_MS = 30_000;

export interface InstanceInfo {
  /** INSTANCE of the process (from the registry or the pid file name); `default` for `chat-studio.pid`. */
  instance: string;
  pid: number;
  host: string;
  /** `true` when on this machine. */
  local: boolean;
  port: number | null;
  pidFile: string | null;
  /** This host: the pid exists. Another host: it beat within {@link REMOTE_STALE_MS}. */
  alive: boolean;
  /** Milliseconds since its last heartbeat, when the registry knows it. */
  heartbeatAgeMs: number | null;
}

const PID_FILE = /^chat-studio(?:-(.+))?\.pid$/;

/** Pid files in `dir` (`chat-studio.pid`, `chat-studio-<instance>.pid`) plus `extra` (PID_FILE), each with its pid. */
export function pidFiles(dir: string, extra: string[] = []): { file: string; instance: string; pid: number | null }[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // No data folder: no pid files there.
  }
  const files = new Set([...names.filter((n) => PID_FILE.test(n)).map((n) => path.join(dir, n)), ...extra]);
  return [...files].map((file) => ({
    file,
    instance: PID_FILE.exec(path.basename(file))?.[1] ?? 'default',
    pid: readPidFile(file),
  }));
}

/** The registry rows, or none when the database cannot be opened read-only (missing, older schema, unreachable). */
async function registry(target: string): Promise<ServerProcessRow[]> {
  try {
    const store = await openReadonlyStore(target);
    try {
      return await store.processes.list();
    } finally {
      await store.close();
    }
  } catch {
    return [];
  }
}

/**
 * The API processes of this database, known from pid files in `dataDir` (and `pidFile`) and from the registry in the
 * database (`target`: the SQLite file or the PostgreSQL URL). Entries naming a pid that no longer exists are kept
 * with `alive: false` (stale pid files, crashed processes) so callers can report them.
 *
 * @example
 * const running = (await findInstances({ dataDir, pidFile, target })).filter((i) => i.alive);
 */
export async function findInstances(options: {
  dataDir: string;
  pidFile: string;
  target: string;
  now?: number;
}): Promise<InstanceInfo[]> {
  const host = os.hostname();
  const now = options.now ?? Date.now();
  const byKey = new Map<string, InstanceInfo>();
  for (const row of await registry(options.target)) {
    const local = row.host === host;
    const age = now - row.heartbeat_at;
    byKey.set(`${row.host}:${row.pid}`, {
      instance: row.instance,
      pid: row.pid,
      host: row.host,
      local,
      port: row.port,
      pidFile: row.pid_file,
      alive: local ? row.pid !== process.pid && isProcessAlive(row.pid) : age < REMOTE_STALE_MS,
      heartbeatAgeMs: age,
    });
  }
  for (const { file, instance, pid } of pidFiles(options.dataDir, [options.pidFile])) {
    if (pid === null) continue;
    const key = `${host}:${pid}`;
    const known = byKey.get(key);
    if (known) {
      known.pidFile ??= file;
      continue;
    }
    byKey.set(key, {
      instance,
      pid,
      host,
      local: true,
      port: null,
      pidFile: file,
      alive: pid !== process.pid && isProcessAlive(pid),
      heartbeatAgeMs: null,
    });
  }
  return [...byKey.values()].sort((a, b) => a.host.localeCompare(b.host) || a.instance.localeCompare(b.instance));
}

/** One line per instance for humans: `5001 pid 4242 port 5001 (this host)`. */
export function describeInstance(i: InstanceInfo): string {
  const where = i.local
    ? 'this host'
    : `host ${i.host}${i.heartbeatAgeMs !== null ? `, last heartbeat ${Math.round(i.heartbeatAgeMs / 1000)} s ago` : ''}`;
  return `${i.instance} (pid ${i.pid}${i.port !== null ? `, port ${i.port}` : ''}, ${where})`;
}
