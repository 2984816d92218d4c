/** The server's size limits (`GET /api/limits`), so the composer can show them before a send fails. */
import { signal } from '@preact/signals';
import { DEFAULT_LIMITS, type LimitsResponse } from '@chat-studio/protocol';
import { api } from '../lib/api.js';

/** Until the server answers, the protocol defaults (what a server without configuration enforces). */
export const limits = signal<LimitsResponse>({
  max_message_length: DEFAULT_LIMITS.maxMessageLength,
  max_title_length: DEFAULT_LIMITS.maxTitleLength,
  max_system_prompt_length: DEFAULT_LIMITS.maxSystemPromptLength,
  max_query_length: DEFAULT_LIMITS.maxQueryLength,
  max_body_bytes: 1024 * 1024,
});

/** Loads the limits once signed in; an older server without the route keeps the defaults. */
export async function loadLimits(): Promise<void> {
  try {
    limits.value = await api.limits();
  } catch {
    // The defaults stay; a send over the real limit still gets the server's sentence.
  }
}
