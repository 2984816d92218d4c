import type { Selectable } from 'kysely';

/** `server_processes`: API processes serving this database, with a heartbeat (crash recovery, `pnpm stop --all`). */
export interface ServerProcessesTable {
  id: string;
  /** INSTANCE: names the pid file and the log folder. */
  instance: string;
  /** `os.hostname()` of the machine the process runs on. */
  host: string;
  pid: number;
  port: number;
  pid_file: string | null;
  started_at: number;
  heartbeat_at: number;
}

export type ServerProcessRow = Selectable<ServerProcessesTable>;

/** `streaming_replies`: replies a process is generating right now; a row whose process died marks a crash. */
export interface StreamingRepliesTable {
  message_id: string;
  process_id: string;
}
