/** Server processes: the repository contract. */
import type { ServerProcessRow } from './tables/index.js';

export interface RegisterProcessInput {
  id: string;
  instance: string;
  host: string;
  pid: number;
  port: number;
  pid_file: string | null;
}

export interface ProcessesRepository {
  /** Records this process (or refreshes it when the id is known), with `started_at` and `heartbeat_at` now. */
  register(input: RegisterProcessInput): Promise<ServerProcessRow>;
  /** Sets `heartbeat_at` to now; `false` when the row is gone (another process judged this one dead). */
  heartbeat(id: string): Promise<boolean>;
  /** Removes the process and its claims. */
  unregister(id: string): Promise<void>;
  /** Every registered process, oldest first. */
  list(): Promise<ServerProcessRow[]>;
  /** Marks `messageId` as being written by `processId`. */
  claimReply(messageId: string, processId: string): Promise<void>;
  /** The reply is stored for good (or deleted): nobody is writing it any more. */
  releaseReply(messageId: string): Promise<void>;
  /**
   * Marks `interrupted` every still-`partial` reply claimed by a process not in `liveIds`, drops those claims and
   * the rows of processes not in `liveIds`; returns the ids of the replies it marked.
   */
  interruptOrphans(liveIds: readonly string[]): Promise<string[]>;
}
