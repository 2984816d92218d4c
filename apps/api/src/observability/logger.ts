/** Structured logging with pino: stdout plus rotated files, secrets always redacted. */
import path from 'node:path';
import { pino, type Level, type Logger, type StreamEntry } from 'pino';
import { REPO_ROOT } from '../config/index.js';
import { BatchedStream } from './batched-stream.js';
import { RollingFile, parseSize } from './rolling-file.js';

/** The placeholder for removed secrets and message text. */
export const REDACTED = '[redacted]';

/** Fields holding credentials, at the top level and one level down (`req.headers.authorization` and the like). */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'token',
  'key',
  'apiKey',
  'api_key',
  'secret',
  'x-api-key',
];
export const REDACT_PATHS = [
  ...SECRET_FIELDS.map((f) => `["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*.headers["${f}"]`),
];

/** Fields carrying what users and the model wrote; logged only at debug and trace. */
const CONTENT_FIELDS = new Set(['content', 'prompt', 'messages', 'completion', 'reply', 'text', 'system_prompt']);
const DEBUG_LEVEL = 20;

function withoutContent(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Error || depth > 3) return value;
  if (Array.isArray(value)) return value.map((v) => withoutContent(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = CONTENT_FIELDS.has(k) ? '[omitted]' : withoutContent(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  /** Minimum level. Defaults to LOG_LEVEL, else `info`. */
  level?: string;
  /**
   * Folder for `backend.log` (and `debug.log` at debug level); rolled files are `backend.1.log` (newest) …
   * Defaults to LOGS_DIR, else `logs/`.
   */
  logsDir?: string;
  /** Size at which a log file rolls over (`10m`, `500k`, `1g`). Defaults to LOG_MAX_SIZE, else `10m`. */
  maxSize?: string;
  /** Rolled files kept besides the current one. Defaults to LOG_KEEP, else 5. */
  keep?: number;
  /** Also write to stdout. Defaults to `true`. */
  stdout?: boolean;
}

/** How long a stdout log line may wait for others to share its write (the file gets every line within the turn). */
const STDOUT_BATCH_MS = 10;

const LEVELS: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function parseLevel(value: string | undefined): Level {
  const level = (value ?? 'info').toLowerCase();
  if (level === 'silent') return 'fatal';
  if (!(LEVELS as string[]).includes(level))
    throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${value}"`);
  return level as Level;
}

/** The more severe of two levels. */
function atLeast(level: Level, floor: Level): Level {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(floor) ? level : floor;
}

/**
 * Creates the server's pino logger: JSON lines to stdout and to `logs/backend.log` (rolled by size to
 * `backend.1.log`, `backend.2.log` …, a few kept), plus `logs/debug.log` when the level is debug or trace. Credentials (authorization, cookie,
 * password, token, key fields) are always redacted; message text (content, prompt, messages …) only reaches
 * debug-level lines. Levels are written as names (`"level":"error"`, `"severity":"ERROR"`) so `grep` works.
 *
 * @example
 * const logger = await createLogger({ logsDir: '/var/log/chat-studio' });
 * logger.info({ port: 5000 }, 'listening');
 */
export async function createLogger(options: LoggerOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<Logger> {
  const level = parseLevel(options.level ?? env.LOG_LEVEL);
  const logsDir = path.resolve(REPO_ROOT, options.logsDir ?? (env.LOGS_DIR || 'logs'));
  const size = options.maxSize ?? (env.LOG_MAX_SIZE || '10m');
  const keep = options.keep ?? (env.LOG_KEEP ? Number(env.LOG_KEEP) : 5);
  const maxBytes = parseSize(size);
  // Error lines reach the file at once: they are rare, and the ones that matter come just before a crash.
  const urgent = (line: string) => line.includes('"severity":"ERROR"') || line.includes('"severity":"FATAL"');
  const roll = (name: string) => new RollingFile({ dir: logsDir, name, maxBytes, keep, urgent });

  const streams: StreamEntry[] = [{ level: atLeast(level, 'info'), stream: roll('backend') }];
  // Asynchronous, and one write per STDOUT_BATCH_MS rather than per line or per turn (BatchedStream): at 16
  // connections a turn holds one or two requests, and each stdout write cost more than building the line (issue #18).
  if (options.stdout ?? true)
    streams.push({
      level,
      stream: new BatchedStream(pino.destination({ dest: 1, sync: false }), STDOUT_BATCH_MS),
    });
  if (level === 'debug' || level === 'trace') streams.push({ level, stream: roll('debug') });

  const shape = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // `severity` in capitals too, so the guide's `grep ERROR logs/backend.log` finds error lines as written.
    formatters: { level: (label: string) => ({ level: label, severity: label.toUpperCase() }) },
  };
  const destination = flushable(pino.multistream(streams, { dedupe: false }));
  const logger = pino(
    {
      ...shape,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: {
        logMethod(args, method, lvl) {
          if (lvl > DEBUG_LEVEL && typeof args[0] === 'object' && args[0] !== null) {
            args[0] = withoutContent(args[0]) as object;
          }
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
  // The same streams and line shape, without the redaction pass (wildcard paths cost ~150 µs a line, more than the
  // rest of a /health request): only for the access line, whose fields the request logger builds itself.
  accessLoggers.set(logger, pino(shape, destination));
  return logger;
}

const accessLoggers = new WeakMap<Logger, Logger>();

/**
 * The logger for {@link requestLogger}'s per-request line: same streams, level and format as `logger`, without the
 * redaction and message-text hooks, which its fixed fields (id, method, route, path without query, status, ms) do
 * not need. Any other logger (a child, a test's) is its own access logger, redacting as before.
 *
 * @example
 * accessLogger(logger).info({ req_id, status }, 'GET /health 200 0.4ms');
 */
export function accessLogger(logger: Logger): Logger {
  const access = accessLoggers.get(logger);
  if (!access) return logger;
  // Follows a level changed at run time on the main logger.
  if (access.level !== logger.level) access.level = logger.level;
  return access;
}

/**
 * pino's multistream has `flushSync` but no `flush`, so `logger.flush()` did nothing; the files batch their lines
 * now, so `logger.flush()` must reach them.
 */
function flushable(stream: pino.MultiStreamRes): pino.MultiStreamRes & { flush(cb: (err?: Error) => void): void } {
  return Object.assign(stream, {
    flush(cb: (err?: Error) => void) {
      try {
        stream.flushSync();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

export type { Logger } from 'pino';
