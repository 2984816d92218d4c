/** Request bodies of the newer endpoints: every field is known and valid, or the answer is a 400 naming it. */
import type { Context } from 'hono';
import * as v from 'valibot';
import { ApiError } from '../../../errors/index.js';

/** Why a field that exists in the API we imitate is refused here; shown as the 400's message. */
export type Refusals = Record<string, string>;

/**
 * Reads the JSON body, refuses fields the schema does not know (or `refused` lists with a reason) with a 400 whose
 * `param` names the field, then validates it; a type error's `param` is the offending field's path.
 *
 * @example
 * const body = await parseBody(c, v.object({ model: v.string() }), { user: 'requests are attributed to the API key' });
 */
export async function parseBody<E extends v.ObjectEntries>(
  c: Context,
  schema: v.ObjectSchema<E, undefined>,
  refused: Refusals = {},
): Promise<v.InferOutput<v.ObjectSchema<E, undefined>>> {
  const text = await c.req.text();
  let data: unknown;
  try {
    data = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 'Malformed JSON in request body');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ApiError('validation_error', 'The request body must be a JSON object', { param: null });
  }
  for (const [key, value] of Object.entries(data)) {
    // null (and, for a refused list such as `tools`, an empty one) is how many clients say "not set".
    if (value === null || value === undefined) continue;
    if (key in refused && Array.isArray(value) && value.length === 0) continue;
    const reason = refused[key];
    if (reason !== undefined) throw new ApiError('validation_error', `'${key}' is not supported: ${reason}`, { param: key });
    if (!(key in schema.entries)) throw new ApiError('validation_error', `Unknown field '${key}'`, { param: key });
  }
  const cleaned = Object.fromEntries(Object.entries(data).filter(([key, value]) => value !== null && !(key in refused)));
  const result = v.safeParse(schema, cleaned);
  if (!result.success) {
    const issue = result.issues[0];
    const param = v.getDotPath(issue) ?? null;
    throw new ApiError('validation_error', `Invalid ${param ?? 'request body'}: ${issue.message}`, { param });
  }
  return result.output;
}

/** Refuses a field whose value we cannot honour (e.g. `n: 2`), naming it. */
export function refuse(param: string, message: string): never {
  throw new ApiError('validation_error', message, { param });
}
