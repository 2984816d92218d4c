/** The API's configuration, read once from environment variables. */
import path from 'node:path';
import { runtimeOptionsFromEnv, type LlmRuntimeOptions } from '@chat-studio/llm-runtime/config';
// The limits alone, not the protocol's schemas: the config is read before the port opens (issue #18: listening).
import { DEFAULT_LIMITS, type ProtocolLimits } from '@chat-studio/protocol/limits';
import { readAttachmentConfig, type AttachmentConfig } from './attachments.js';

export { DEFAULT_ATTACHMENT_TYPES, readAttachmentConfig, type AttachmentConfig } from './attachments.js';

/** Everything the API reads from the environment, parsed once at start. */
export interface AppConfig {
  /** Listen address. Defaults to `127.0.0.1` (HOST). */
  host: string;
  /** Listen port. Defaults to `5000` (PORT). */
  port: number;
  /** SQLite file. Defaults to `data/chat_history.db` (DATABASE_PATH). */
  databasePath: string;
  /** PostgreSQL URL; when set the store runs there instead of the SQLite file (DATABASE_URL). */
  databaseUrl?: string;
  /** Redis URL for rate-limit counters shared by several API processes (REDIS_URL). Defaults to in-memory counters. */
  redisUrl?: string;
  /** Prefix of the rate-limit keys in Redis, so several deployments can share one. Defaults to `chat-studio:ratelimit:` (REDIS_KEY_PREFIX). */
  redisKeyPrefix?: string;
  /** Folder of GGUF files. Defaults to `models` (MODELS_DIR). */
  modelsDir: string;
  /**
   * The model runtime's options from its variables (CHAT_MODEL, LLAMA_*, CHAT_CACHE_*, LLM_UPSTREAM*, EMBEDDING_MODEL;
   * see `runtimeOptionsFromEnv`), validated here so a bad value stops the start with its name; `modelsDir` as above.
   */
  runtime: LlmRuntimeOptions;
  /** Built web app served at `/`. Defaults to `apps/web/dist` (WEB_DIST). */
  webDist: string;
  /** Protocol limits; MAX_MESSAGE_LENGTH overrides the message limit. */
  limits: ProtocolLimits;
  /** Largest request body in bytes. Defaults to 1 MiB (MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Largest import file in bytes (`POST /api/chat/import`, spooled to a temporary file). Defaults to 1 GiB (IMPORT_MAX_BYTES). */
  importMaxBytes: number;
  /**
   * Longest a streamed token waits before the partial reply is stored (STREAM_FLUSH_MS), so a killed process loses
   * at most this much of what clients were shown. Defaults to 100 ms.
   */
  flushIntervalMs: number;
  /**
   * Most streamed tokens left unstored (STREAM_FLUSH_TOKENS): the one that reaches it is stored at once. 0: the time
   * bound alone. Defaults to 16.
   */
  flushMaxTokens: number;
  /** SSE keep-alive comment interval. Defaults to 15,000 ms. */
  keepAliveMs: number;
  /** Messages of history sent to the model per turn. Defaults to 200 (CHAT_HISTORY_LIMIT). */
  historyLimit: number;
  /**
   * Names this process among others on the host: its pid file is `chat-studio-<instance>.pid` and its logs go to
   * `logs/<instance>/`. Defaults to the port (INSTANCE).
   */
  instance: string;
  /** Port of a second listener serving Ollama's API (on HOST), e.g. 11434. Defaults to none (OLLAMA_PORT). */
  ollamaPort?: number;
  /** At LOG_LEVEL=debug, SQL statements at least this slow are logged with their time. Defaults to 50 ms (LOG_SLOW_SQL_MS). */
  slowSqlMs: number;
  /** File attachments: ATTACHMENT_MAX_BYTES, ATTACHMENT_QUOTA_BYTES, ATTACHMENT_TYPES (see {@link AttachmentConfig}). */
  attachments: AttachmentConfig;
}

/** What an INSTANCE may be: it becomes part of a file name and a folder name. */
export const INSTANCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** INSTANCE, else the port: two processes on one host differ at least in their ports. */
export function resolveInstance(env: NodeJS.ProcessEnv, port: number): string {
  const instance = env.INSTANCE?.trim() || String(port);
  if (!INSTANCE_PATTERN.test(instance))
    throw new Error(
      `INSTANCE must be 1-64 letters, digits, _ . - (starting with a letter or digit), got "${env.INSTANCE}"`,
    );
  return instance;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function port(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`${name} must be a port number from 1 to 65535, got "${value}"`);
  return n;
}

/** Root of the checkout (apps/api/dist/config → four levels up), so defaults work from any cwd. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
/** Where the runtime remembers a passed llama.cpp binary check: beside the install, gone with a reinstall. */
const LLAMA_BINARY_CHECK_FILE = path.join(
  REPO_ROOT,
  'node_modules',
  '.cache',
  'chat-studio',
  'llama-binary-check.json',
);

/**
 * Reads the API configuration from environment variables.
 *
 * @example
 * const config = loadConfig({ PORT: '5001', DATABASE_PATH: ':memory:' });
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const fromRoot = (p: string) => (p === ':memory:' || path.isAbsolute(p) ? p : path.resolve(REPO_ROOT, p));
  const maxMessageLength = int(env.MAX_MESSAGE_LENGTH, DEFAULT_LIMITS.maxMessageLength, 'MAX_MESSAGE_LENGTH');
  const listenPort = int(env.PORT, 5000, 'PORT');
  const modelsDir = fromRoot(env.MODELS_DIR || 'models');
  return {
    host: env.HOST || '127.0.0.1',
    port: listenPort,
    instance: resolveInstance(env, listenPort),
    databasePath: fromRoot(env.DATABASE_PATH || 'data/chat_history.db'),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    redisUrl: env.REDIS_URL?.trim() || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX?.trim() || undefined,
    modelsDir,
    // A passed llama.cpp binary check is remembered with the install (issue #18: model ready sooner).
    runtime: { ...runtimeOptionsFromEnv(env), modelsDir, binaryCheckFile: LLAMA_BINARY_CHECK_FILE },
    webDist: fromRoot(env.WEB_DIST || 'apps/web/dist'),
    limits: { ...DEFAULT_LIMITS, maxMessageLength },
    maxBodyBytes: int(env.MAX_BODY_BYTES, 1024 * 1024, 'MAX_BODY_BYTES'),
    importMaxBytes: int(env.IMPORT_MAX_BYTES, 1024 * 1024 * 1024, 'IMPORT_MAX_BYTES'),
    flushIntervalMs: int(env.STREAM_FLUSH_MS, 100, 'STREAM_FLUSH_MS'),
    flushMaxTokens: int(env.STREAM_FLUSH_TOKENS, 16, 'STREAM_FLUSH_TOKENS'),
    keepAliveMs: int(env.SSE_KEEPALIVE_MS, 15_000, 'SSE_KEEPALIVE_MS'),
    historyLimit: int(env.CHAT_HISTORY_LIMIT, 200, 'CHAT_HISTORY_LIMIT'),
    ...(env.OLLAMA_PORT ? { ollamaPort: port(env.OLLAMA_PORT, 'OLLAMA_PORT') } : {}),
    slowSqlMs: int(env.LOG_SLOW_SQL_MS, 50, 'LOG_SLOW_SQL_MS'),
    attachments: readAttachmentConfig(env),
  };
}
