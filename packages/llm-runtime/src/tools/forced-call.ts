/**
 * `tool_choice: "required"` or a named function: the reply is forced by a JSON-schema grammar, so even a model that
 * would never call a tool on its own produces one call whose arguments satisfy the tool's schema.
 */
import type { GbnfJsonSchema } from 'node-llama-cpp';
import { UnsupportedRequestError } from '../errors/index.js';
import type { ToolDefinition } from '../provider/index.js';
import { toGrammarSchema } from '../structured/json-schema.js';

/** The grammar a forced call is generated with, and how its text splits into name and arguments. */
export interface ForcedCallPlan {
  /** Grammar schema of the whole reply. */
  schema: GbnfJsonSchema;
  /** The tool when only one can be called: then the reply is its arguments alone. */
  fixedName?: string;
  /** A line for the system prompt that tells the model which tool it is calling and why. */
  instruction: string;
}

/** An arguments object with no parameters declared. */
const NO_PARAMETERS: GbnfJsonSchema = { type: 'object', properties: {} };

/**
 * Plans a forced call: for one candidate tool the grammar is its parameters schema; for several it is
 * `{"name": <one of them>, "arguments": <that tool's parameters>}`, name first so it can be streamed before the
 * arguments.
 *
 * @param name - the named function of `tool_choice`, or undefined for `required`
 */
export function planForcedCall(
  tools: readonly ToolDefinition[],
  name: string | undefined,
  paramOf: (index: number) => string,
): ForcedCallPlan {
  const candidates =
    name === undefined
      ? tools.map((tool, index) => ({ tool, index }))
      : tools.map((tool, index) => ({ tool, index })).filter(({ tool }) => tool.name === name);
  if (candidates.length === 0) {
    throw new UnsupportedRequestError(
      'tool_choice',
      name === undefined
        ? 'tool_choice: "required" needs at least one tool'
        : `tool_choice: no tool is named ${JSON.stringify(name)}`,
    );
  }
  const parameters = ({ tool, index }: (typeof candidates)[number]) =>
    tool.parameters ? toGrammarSchema(tool.parameters, paramOf(index)) : NO_PARAMETERS;
  const describe = candidates
    .map(({ tool }) => `${tool.name}${tool.description ? ` (${tool.description})` : ''}`)
    .join(', ');
  if (candidates.length === 1) {
    const only = candidates[0]!;
    return {
      schema: parameters(only),
      fixedName: only.tool.name,
      instruction: `Call the function ${describe}. Reply with its arguments as JSON.`,
    };
  }
  const oneOf = candidates.map((candidate) => ({
    type: 'object' as const,
    properties: { name: { const: candidate.tool.name }, arguments: parameters(candidate) },
    required: ['name', 'arguments'],
  }));
  return {
    schema: { oneOf } as GbnfJsonSchema,
    instruction: `Call one of these functions: ${describe}. Reply with JSON: {"name": ..., "arguments": ...}.`,
  };
}

const NAME_PREFIX = /^\s*\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"arguments"\s*:/;

/**
 * Splits a forced call's text, as it streams, into the tool name and argument pieces. The pieces joined are the
 * `arguments` of the finished call, whether it was streamed or not.
 */
export function createForcedCallSplitter(fixedName: string | undefined) {
  let buffer = '';
  let name = fixedName;
  /** Length of `buffer` that is arguments text already handed out. */
  let sent = 0;
  let argsStart = fixedName === undefined ? -1 : 0;

  function findStart(): void {
    if (argsStart >= 0) return;
    const match = NAME_PREFIX.exec(buffer);
    if (!match) return;
    name = JSON.parse(match[1]!) as string;
    argsStart = match[0].length;
    sent = argsStart;
  }

  return {
    /** Adds generated text; returns the name once known and the arguments text that is now certain. */
    push(text: string): { name?: string; arguments: string } {
      buffer += text;
      const known = argsStart >= 0;
      findStart();
      if (argsStart < 0) return { arguments: '' };
      // With a wrapper object the last "}" may be the wrapper's own: it is held back until more text follows it.
      const brace = buffer.lastIndexOf('}');
      const end = fixedName === undefined && brace >= sent ? brace : buffer.length;
      const piece = buffer.slice(sent, end);
      sent = end;
      return { ...(!known && name !== undefined ? { name } : {}), arguments: piece };
    },
    /** The finished call, or undefined when the text never reached the arguments. */
    finish(): { name: string; arguments: string; rest: string } | undefined {
      findStart();
      if (argsStart < 0 || name === undefined) return undefined;
      const full = fixedName === undefined ? buffer.slice(argsStart).replace(/\}\s*$/, '') : buffer;
      return { name, arguments: full, rest: full.slice(sent - argsStart) };
    },
  };
}
