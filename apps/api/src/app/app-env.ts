/** The API's dependencies and the Hono context variables its middleware sets. */
import type { ChatStore } from '@chat-studio/chat-store';
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import type { AppConfig } from '../config/index.js';
import type { ChatTurns } from '../chat-service/index.js';
import type { Logger, Metrics } from '../observability/index.js';
import type { SharedStateHealth } from '../shared-state/index.js';
import type { DocumentsPort } from '../attachments/index.js';
import type { BackgroundEmbedder, ChunkEmbedder } from '../meaning/index.js';

import type { AuthService, Principal, RateLimitsOptions, SecurityConfig } from '@chat-studio/security';

export type { Principal };

/** Accounts and the security settings read from the environment. */
export interface AppSecurity {
  config: SecurityConfig;
  auth: AuthService;
}

/** Hono environment of the API: the variables middleware sets. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
    /** The end user a front acts for (service keys only): logged, never trusted for ownership. */
    onBehalfOf?: string;
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
  /** Authentication mode, rate limits, CORS. Defaults to AUTH off with the default limits (loopback use). */
  security?: AppSecurity;
  /** Request and error logging. Defaults to none (tests). */
  logger?: Logger;
  /** Prometheus registry for `/metrics`. Defaults to the process-wide one. */
  metrics?: Metrics;
  /** Chat turn runner; pass one to abort and drain turns on shutdown. Defaults to a new one. */
  turns?: ChatTurns;
  /** Hit-count store per rate limit, e.g. Redis shared by several processes. Defaults to one in-memory store per limit. */
  rateLimitStore?: RateLimitsOptions['store'];
  /** Whether `rateLimitStore` reaches its shared counters; `/health` reports it. Defaults to none (in-memory counters). */
  sharedState?: { health(): SharedStateHealth };
  /** Embeds messages for search by meaning in the background; `/health` shows its progress. Defaults to none. */
  embedder?: BackgroundEmbedder;
  /** Embeds the chunks of large attachments in the background; an upload nudges it. Defaults to none. */
  chunkEmbedder?: ChunkEmbedder;
  /** Milliseconds since epoch when the process started. Defaults to now. */
  startedAt?: number;
  /** Text extraction and chunking of attached files. Defaults to the documents module. */
  documents?: DocumentsPort;
}
