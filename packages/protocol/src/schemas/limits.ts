/** Size limits that are part of the protocol; the server can lower or raise some of them. */
export interface ProtocolLimits {
  /** Longest message content in characters. Defaults to 100,000. */
  maxMessageLength: number;
  /** Longest session title in characters. Defaults to 200. */
  maxTitleLength: number;
  /** Longest system prompt in characters. Defaults to 20,000. */
  maxSystemPromptLength: number;
  /** Longest search query in characters. Defaults to 500. */
  maxQueryLength: number;
  /** Largest page size for any listing. Defaults to 200. */
  maxPageSize: number;
  /** Most tokens a single reply may ask for. Defaults to 32,768. */
  maxTokens: number;
  /** Most stop sequences in one request. Defaults to 8. */
  maxStopSequences: number;
}

/** The limits used when nothing is configured. */
export const DEFAULT_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  maxMessageLength: 100_000,
  maxTitleLength: 200,
  maxSystemPromptLength: 20_000,
  maxQueryLength: 500,
  maxPageSize: 200,
  maxTokens: 32_768,
  maxStopSequences: 8,
});

/** Largest request body the API parses, in bytes (1 MiB). Bigger bodies get 413 before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** `GET /api/limits`: the limits a server enforces (its configuration may differ from {@link DEFAULT_LIMITS}). */
export interface LimitsResponse {
  /** Longest message content in characters. */
  max_message_length: number;
  /** Longest session title in characters. */
  max_title_length: number;
  /** Longest system prompt in characters. */
  max_system_prompt_length: number;
  /** Longest search query in characters. */
  max_query_length: number;
  /** Largest request body in bytes. */
  max_body_bytes: number;
}
