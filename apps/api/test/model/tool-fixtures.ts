/** Function-tool fixtures and a schema check shared by the chat-completions and Responses tool tests. */
import { Ajv } from 'ajv';

// Formats are checked by hand in the tests that need them (ajv-formats is not a dependency).
const ajv = new Ajv({ strict: false, validateFormats: false });

/** `true` when `value` fits `schema`, else ajv's description of what does not. */
export function valid(schema: object, value: unknown): true | string {
  const check = ajv.compile(schema);
  return check(value) ? true : ajv.errorsText(check.errors);
}

/** Parameters of a `set_alarm` tool: a boolean and a short string. */
export const alarmParams = {
  type: 'object',
  properties: { on: { type: 'boolean' }, label: { type: 'string', maxLength: 12 } },
  required: ['on', 'label'],
  additionalProperties: false,
};
