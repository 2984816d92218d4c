/** The published JSON Schema of our export (docs/export-format.schema.json), compiled for tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schemaPath = join(import.meta.dirname, '../../../docs/export-format.schema.json');

/** Validates parsed export files against the schema; `errors` lists what did not match. */
export function exportSchemaValidator(): (file: unknown) => { valid: boolean; errors: string[] } {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  return (file) => {
    const valid = validate(file);
    return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`) };
  };
}
