/**
 * OpenAI tools ↔ the runtime's: `tools` and `tool_choice` to GenerateTools, tool calls back to OpenAI's message
 * and stream-delta shapes. Shared by every route that speaks OpenAI's tool calling.
 */
import type { GenerateTools, ToolCall, ToolCallDelta, ToolChoice } from '@chat-studio/llm-runtime';
import type { OpenAiChatRequest, OpenAiToolCall, OpenAiToolCallDelta } from '@chat-studio/protocol';
import { refuse } from '../field-policy/index.js';

/** OpenAI's `tools`, `tool_choice` and `parallel_tool_calls` as the runtime's tools; undefined when none apply. */
export function toGenerateTools(
  body: Pick<OpenAiChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>,
): GenerateTools | undefined {
  const tools = (body.tools ?? []).map((tool, index) => {
    if (tool.type !== 'function') refuse(`tools.${index}.type`, `tools.${index}: only function tools are supported`);
    const fn = (tool as Extract<typeof tool, { type: 'function' }>).function;
    return {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      ...(fn.parameters ? { parameters: fn.parameters } : {}),
    };
  });
  const names = new Set<string>();
  tools.forEach((tool, index) => {
    if (names.has(tool.name))
      refuse(`tools.${index}.function.name`, `tools.${index}: the name ${tool.name} is used twice`);
    names.add(tool.name);
  });
  const choice = toToolChoice(body.tool_choice, names);
  if (tools.length === 0) {
    if (choice.choice !== 'auto' && choice.choice !== 'none')
      refuse('tool_choice', 'tool_choice names a tool but tools is empty');
    return undefined;
  }
  const offered = choice.allowed ? tools.filter((tool) => choice.allowed!.has(tool.name)) : tools;
  return { tools: offered, choice: choice.choice, ...(body.parallel_tool_calls === false ? { parallel: false } : {}) };
}

function toToolChoice(
  value: OpenAiChatRequest['tool_choice'],
  names: ReadonlySet<string>,
): { choice: ToolChoice; allowed?: Set<string> } {
  if (value === undefined) return { choice: 'auto' };
  if (typeof value === 'string') return { choice: value };
  const known = (name: string, param: string) => {
    if (!names.has(name)) refuse(param, `${param}: no tool is named ${JSON.stringify(name)}`);
    return name;
  };
  if (value.type === 'function')
    return {
      choice: { name: known((value as { function: { name: string } }).function.name, 'tool_choice.function.name') },
    };
  if (value.type === 'allowed_tools') {
    const { mode, tools } = (
      value as { allowed_tools: { mode: 'auto' | 'required'; tools: { function: { name: string } }[] } }
    ).allowed_tools;
    const allowed = new Set(
      tools.map((tool, index) => known(tool.function.name, `tool_choice.allowed_tools.tools.${index}.function.name`)),
    );
    return { choice: mode, allowed };
  }
  return refuse('tool_choice', 'only function tools can be chosen');
}

/** Runtime tool calls as an OpenAI assistant message's `tool_calls`. */
export function toOpenAiToolCalls(calls: readonly ToolCall[]): OpenAiToolCall[] {
  return calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
}

/** A runtime tool-call piece as OpenAI streams it: id, type and name in the first piece of each call. */
export function toOpenAiToolCallDelta(delta: ToolCallDelta): OpenAiToolCallDelta {
  return {
    index: delta.index,
    ...(delta.id !== undefined ? { id: delta.id, type: 'function' as const } : {}),
    function: { ...(delta.name !== undefined ? { name: delta.name } : {}), arguments: delta.arguments },
  };
}
