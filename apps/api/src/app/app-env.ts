import type { ChatStore } from '@chat-studio/chat-store';
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import type { AppConfig } from '../config/index.js';
import type { ChatTurns } from '../chat-service/index.js';

/** Who is calling: set by the authentication middleware on every request. */
export interface Principal {
  userId: string;
  username: string;
  via: 'cookie' | 'api_key' | 'local';
}

/** Hono environment of the API: the variables middleware sets. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}

/** What the app is built from; tests pass real instances of each. */
export interface AppDeps {
  store: ChatStore;
  /** The model runtime; without one every chat route answers 503 and the rest works. */
  runtime?: LlmRuntime;
  config: AppConfig;
  /** Version reported by `/health`. Defaults to the api package version. */
  version?: string;
  /** Chat turn runner; pass one to abort and drain turns on shutdown. Defaults to a new one. */
  turns?: ChatTurns;
  /** Milliseconds since epoch when the process started. Defaults to now. */
  startedAt?: number;
}
