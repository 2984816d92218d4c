/** `GET /api/limits`: the size limits this server enforces, so clients can show them before a request fails. */
import { Hono } from 'hono';
import type { LimitsResponse } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';

/** The limits in the wire format (snake_case), from the parsed configuration. */
export function limitsOf(config: AppDeps['config']): LimitsResponse {
  const l = config.limits;
  return {
    max_message_length: l.maxMessageLength,
    max_title_length: l.maxTitleLength,
    max_system_prompt_length: l.maxSystemPromptLength,
    max_query_length: l.maxQueryLength,
    max_body_bytes: config.maxBodyBytes,
  };
}

/** `/api/limits`: read-only, same for every user. */
export function limitsRoutes({ config }: AppDeps) {
  const body = limitsOf(config);
  return new Hono<AppEnv>().get('/', (c) => c.json(body));
}
