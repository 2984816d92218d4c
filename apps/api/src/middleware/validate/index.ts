/** valibot validation of bodies and query strings into 400s with field paths. */
import type { Context } from 'hono';
import * as v from 'valibot';
import type { FieldIssue } from '@chat-studio/protocol';
import { ApiError } from '../../errors/index.js';

function issuesOf(issues: readonly v.BaseIssue<unknown>[]): FieldIssue[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
}

function fail(where: string, issues: readonly v.BaseIssue<unknown>[]): never {
  const list = issuesOf(issues);
  const first = list[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'Invalid input';
  throw new ApiError('validation_error', `Invalid ${where}: ${summary}`, { issues: list });
}

/** Validates a value against a schema; 400 `validation_error` with field paths on failure. */
export function validate<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  where = 'request body',
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) fail(where, result.issues);
  return result.output;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one (String#isWellFormed is ES2024).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path of the first string (value or key) in `value` that is not well-formed UTF-16 — a lone surrogate, which
 * SQLite and PostgreSQL would store altered (`\ufffd`) — or `undefined` when every string is well formed.
 */
export function illFormedTextPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (LONE_SURROGATE.test(key)) return at;
    const found = illFormedTextPath(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Reads and validates the JSON body. An empty body counts as `{}` so that `POST /api/chat/sessions`
 * works without one; malformed JSON is a 400, never a 500.
 */
export async function jsonBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const text = await c.req.text();
  let data: unknown = {};
  if (text.trim() !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError('invalid_json', 'Malformed JSON in request body');
    }
  }
  // Every body of this API is a JSON object: an array (or a bare value) would slip through object schemas.
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ApiError('validation_error', 'Invalid request body: expected a JSON object', {
      issues: [{ path: '', message: 'Expected a JSON object' }],
    });
  }
  const bad = illFormedTextPath(data);
  if (bad !== undefined) {
    throw new ApiError(
      'invalid_text',
      `Invalid text in request body${bad ? ` at ${bad}` : ''}: it contains a lone surrogate (ill-formed UTF-16)`,
      { path: bad },
    );
  }
  return validate(schema, data);
}

/** Validates the query string. */
export function queryParams<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return validate(schema, c.req.query(), 'query');
}
