/**
 * This process in the database's registry of API processes: registered at start, a heartbeat every few seconds,
 * removed on a clean exit. At start (and on every beat) the replies left `partial` by a process that died are marked
 * `interrupted` with what was stored, so a crash never leaves a row that looks half-finished forever.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ChatStore, ServerProcessRow } from '@chat-studio/chat-store';

/** How often a process beats. */
export const HEARTBEAT_MS = 5_000;
/** A process on another host that has not beaten for this long is taken for dead. */
export const STALE_AFTER_MS = 30_000;

export interface ProcessRegistryOptions {
  store: Pick<ChatStore, 'processes'>;
  instance: string;
  port: number;
  pidFile: string | null;
  /** Heartbeat period. Defaults to {@link HEARTBEAT_MS}. */
  heartbeatMs?: number;
  /** Where recovered replies and registry failures are reported. Defaults to none. */
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Counts the replies marked interrupted (metrics). Defaults to none. */
  onInterrupted?: (count: number) => void;
}

export interface ProcessRegistry {
  /** This process's id in `server_processes`; chat turns claim their replies under it. */
  readonly processId: string;
  /** Stops beating and removes this process (and its claims) from the registry. */
  stop(): Promise<void>;
}

/** `true` while a process with this pid exists on this machine (signal 0 sends nothing). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a registered process still runs. On this host the pid decides (a SIGKILLed process is dead at once; a row
 * naming our own pid under another id is a previous life of a reused pid); elsewhere the heartbeat's age does.
 */
export function isProcessLive(row: ServerProcessRow, selfId: string, now = Date.now(), host = os.hostname()): boolean {
  if (row.id === selfId) return true;
  if (row.host === host) return row.pid !== process.pid && isPidAlive(row.pid);
  return now - row.heartbeat_at < STALE_AFTER_MS;
}

/**
 * Registers this process, recovers the replies of dead ones, and keeps beating until `stop()`.
 *
 * @example
 * const registry = await startProcessRegistry({ store, instance: '5000', port: 5000, pidFile, log: logger });
 * const turns = createChatTurns({ store, runtime, config, processId: registry.processId });
 */
export async function startProcessRegistry(options: ProcessRegistryOptions): Promise<ProcessRegistry> {
  const { store, log } = options;
  const processId = randomUUID();
  const host = os.hostname();
  const register = () =>
    store.processes.register({
      id: processId,
      instance: options.instance,
      host,
      pid: process.pid,
      port: options.port,
      pid_file: options.pidFile,
    });
  await register();

  const recover = async () => {
    const now = Date.now();
    const live = (await store.processes.list())
      .filter((row) => isProcessLive(row, processId, now, host))
      .map((row) => row.id);
    const marked = await store.processes.interruptOrphans(live);
    if (marked.length > 0) {
      log?.info(
        { interrupted: marked.length, message_ids: marked },
        `Marked ${marked.length} reply(s) interrupted: the process writing them is gone`,
      );
      options.onInterrupted?.(marked.length);
    }
  };
  await recover();

  let beating: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating
      .then(async () => {
        // Judged dead by another process (a long stall): come back, the replies we stream are still ours.
        if (!(await store.processes.heartbeat(processId))) await register();
        await recover();
      })
      .catch((err: unknown) => log?.warn({ err }, 'process registry heartbeat failed'));
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();

  return {
    processId,
    async stop() {
      clearInterval(timer);
      await beating;
      await store.processes
        .unregister(processId)
        .catch((err: unknown) => log?.warn({ err }, 'could not unregister this process'));
    },
  };
}
