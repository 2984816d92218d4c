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
export function validate<S extends v.GenericSchema>(schema: S, value: unknown, where = 'request body'): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) fail(where, result.issues);
  return result.output;
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
  return validate(schema, data);
}

/** Validates the query string. */
export function queryParams<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return validate(schema, c.req.query(), 'query');
}
