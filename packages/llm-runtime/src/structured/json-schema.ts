import type { GbnfJsonSchema } from 'node-llama-cpp';
import { UnsupportedRequestError } from '../errors/index.js';

/** Keywords node-llama-cpp's grammar builder enforces, by where they may appear. */
const STRUCTURE = new Set(['type', 'const', 'enum', 'oneOf', 'anyOf', '$ref', '$defs', 'definitions']);
const STRING = new Set(['minLength', 'maxLength', 'format']);
const OBJECT = new Set(['properties', 'additionalProperties', 'required', 'minProperties', 'maxProperties']);
const ARRAY = new Set(['items', 'prefixItems', 'minItems', 'maxItems']);
/** Annotations: they constrain nothing, so dropping them changes no valid output. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  '$schema',
  '$id',
  '$comment',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
]);
/** String formats the grammar builder knows. */
const FORMATS = new Set(['date-time', 'time', 'date']);
const BASIC_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * Checks a JSON schema and returns it in the form node-llama-cpp's grammar builder takes: `anyOf` becomes `oneOf` (a
 * grammar emits one alternative either way), `definitions` becomes `$defs`, annotations are dropped. A keyword the
 * grammar cannot enforce (`pattern`, `minimum`, `allOf`, ...) throws {@link UnsupportedRequestError} naming it and
 * where it is, so that it is refused rather than silently ignored.
 *
 * @param param - the request field the schema came from, for the error (e.g. `response_format.json_schema.schema`)
 * @example
 * toGrammarSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } } }, 'response_format')
 * // throws: JSON schema keyword "minimum" (at properties.n) cannot be enforced by the grammar
 */
export function toGrammarSchema(schema: unknown, param: string): GbnfJsonSchema {
  return convert(schema, param, '') as GbnfJsonSchema;
}

function convert(schema: unknown, param: string, at: string): Record<string, unknown> {
  if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) {
    throw refuse(param, at, 'an empty schema (any value)', 'use {"type": "object"} or name the types');
  }
  if (!isObject(schema))
    throw new UnsupportedRequestError(param, `${param}: a JSON schema must be an object${where(at)}`);
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) {
      if (keyword === 'description' && typeof value === 'string') out.description = value;
      continue;
    }
    if (!STRUCTURE.has(keyword) && !STRING.has(keyword) && !OBJECT.has(keyword) && !ARRAY.has(keyword)) {
      throw refuse(param, at, `keyword "${keyword}"`);
    }
    out[keyword === 'anyOf' ? 'oneOf' : keyword === 'definitions' ? '$defs' : keyword] = convertValue(
      keyword,
      value,
      param,
      at,
    );
  }
  if (out.enum !== undefined || out.const !== undefined) delete out.type;
  const type = out.type;
  if (Array.isArray(type) && type.some((t) => !BASIC_TYPES.has(String(t)))) {
    throw refuse(param, at, `keyword "type" with a list that includes object or array`, 'use anyOf instead');
  }
  return out;
}

function convertValue(keyword: string, value: unknown, param: string, at: string): unknown {
  switch (keyword) {
    case 'properties':
    case '$defs':
    case 'definitions':
      if (!isObject(value)) throw refuse(param, at, `keyword "${keyword}" that is not an object`);
      return Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, convert(sub, param, `${at}.${keyword}.${name}`)]),
      );
    case 'items':
    case 'additionalProperties':
      return typeof value === 'boolean' ? value : convert(value, param, `${at}.${keyword}`);
    case 'oneOf':
    case 'anyOf':
    case 'prefixItems':
      if (!Array.isArray(value)) throw refuse(param, at, `keyword "${keyword}" that is not an array`);
      return value.map((sub, index) => convert(sub, param, `${at}.${keyword}.${index}`));
    case 'format':
      if (typeof value !== 'string' || !FORMATS.has(value))
        throw refuse(
          param,
          at,
          `keyword "format" with value ${JSON.stringify(value)}`,
          'only date-time, time and date',
        );
      return value;
    case '$ref':
      if (typeof value !== 'string' || !/^#\/(\$defs|definitions)\/[^/]+$/.test(value)) {
        throw refuse(param, at, `keyword "$ref" to ${JSON.stringify(value)}`, 'only local #/$defs/<name> references');
      }
      return value.replace('#/definitions/', '#/$defs/');
    default:
      return value;
  }
}

function refuse(param: string, at: string, what: string, hint?: string): UnsupportedRequestError {
  return new UnsupportedRequestError(
    param,
    `${param}: JSON schema ${what}${where(at)} cannot be enforced by the grammar${hint ? ` (${hint})` : ''}`,
  );
}

function where(at: string): string {
  return at ? ` (at ${at.slice(1)})` : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
