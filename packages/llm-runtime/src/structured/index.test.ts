import { describe, expect, it } from 'vitest';
import { UnsupportedRequestError } from '../errors/index.js';
import { toGrammarSchema } from './index.js';

describe('toGrammarSchema', () => {
  it('keeps what the grammar enforces, turns anyOf into oneOf and definitions into $defs, drops annotations', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Pet',
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 10, description: 'its name' },
        kind: { anyOf: [{ $ref: '#/definitions/kind' }, { type: 'null' }] },
        tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 2 },
      },
      required: ['name'],
      additionalProperties: false,
      definitions: { kind: { type: 'string', enum: ['cat', 'dog'], default: 'cat' } },
    };
    expect(toGrammarSchema(schema, 'p')).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 10, description: 'its name' },
        kind: { oneOf: [{ $ref: '#/$defs/kind' }, { type: 'null' }] },
        tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 2 },
      },
      required: ['name'],
      additionalProperties: false,
      $defs: { kind: { enum: ['cat', 'dog'] } },
    });
  });

  it.each([
    [{ type: 'object', properties: { n: { type: 'integer', minimum: 0 } } }, '"minimum"', 'properties.n'],
    [{ type: 'string', pattern: 'x' }, '"pattern"', ''],
    [{ allOf: [{ type: 'string' }] }, '"allOf"', ''],
    [{ type: 'array', items: { type: 'string', format: 'email' } }, '"format"', 'items'],
    [{ type: 'object', properties: { a: { $ref: 'http://x/y' } } }, '"$ref"', 'properties.a'],
    [{ type: ['object', 'null'] }, '"type"', ''],
    [{}, 'empty schema', ''],
  ])('refuses %j naming %s', (schema, keyword, at) => {
    let error: unknown;
    try {
      toGrammarSchema(schema, 'response_format.json_schema.schema');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnsupportedRequestError);
    expect((error as UnsupportedRequestError).param).toBe('response_format.json_schema.schema');
    expect((error as Error).message).toContain(keyword);
    if (at) expect((error as Error).message).toContain(`at ${at}`);
  });
});
