/**
 * Ollama's tool calling on /api/chat: `tools` (function tools, offered under `auto`: Ollama has no tool_choice),
 * `tool_calls` in replies with `arguments` as an object, and assistant `tool_calls` with `tool` results in the
 * history. Ollama's calls carry no ids: a `tool` message answers the next unanswered call before it, in order.
 */
import * as v from 'valibot';
import type { GenerateMessage, GenerateTools, ToolCall } from '@chat-studio/llm-runtime';
// The schema check of node-llama-cpp's grammar, before anything is stored (its types stay off the main entry).
// The subpath without node-llama-cpp: the main thread never imports it (issue #18).
import { toGrammarSchema } from '@chat-studio/llm-runtime/structured';
import { refuse } from '../openai/endpoint-support/index.js';

const toolSchema = v.strictObject({
  type: v.literal('function'),
  function: v.strictObject({
    name: v.pipe(v.string(), v.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a function name is 1 to 64 of a-z, A-Z, 0-9, _ and -')),
    description: v.optional(v.string()),
    parameters: v.optional(v.record(v.string(), v.unknown())),
  }),
});

/** One call in an assistant message of the history, as Ollama sends it. */
export const ollamaToolCallSchema = v.strictObject({
  function: v.strictObject({
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
    arguments: v.record(v.string(), v.unknown()),
    index: v.optional(v.number()),
  }),
});
export type OllamaToolCall = v.InferOutput<typeof ollamaToolCallSchema>;

/** A message of /api/chat (validated by the route's schema). */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls?: OllamaToolCall[] | undefined;
  tool_name?: string | undefined;
}

/** The request's `tools` for the runtime (choice `auto`); undefined when none. A 400 names `tools[i]…`. */
export function toOllamaTools(tools: unknown): GenerateTools | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) return refuse('tools', "'tools' must be an array of function tools");
  if (tools.length === 0) return undefined;
  const names = new Set<string>();
  const offered = tools.map((tool: unknown, i) => {
    const parsed = v.safeParse(toolSchema, tool);
    if (!parsed.success) {
      const path = v.getDotPath(parsed.issues[0]);
      refuse(
        `tools[${i}]${path ? `.${path}` : ''}`,
        `tools[${i}]: ${path ? `${path}: ` : ''}${parsed.issues[0].message}`,
      );
    }
    const fn = parsed.output.function;
    if (names.has(fn.name)) refuse(`tools[${i}].function.name`, `tools[${i}]: the name ${fn.name} is used twice`);
    names.add(fn.name);
    if (fn.parameters) toGrammarSchema(fn.parameters, `tools[${i}].function.parameters`);
    return {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      ...(fn.parameters ? { parameters: fn.parameters } : {}),
    };
  });
  return { tools: offered, choice: 'auto' };
}

/**
 * Ollama messages as the runtime's: calls get ids (`call_<message>_<n>`), each `tool` message answers the oldest
 * unanswered call (its `tool_name`, when given, must be that call's name). A 400 names the message otherwise.
 */
export function toOllamaPrompt(messages: readonly OllamaMessage[]): GenerateMessage[] {
  const open: ToolCall[] = [];
  const prompt = messages.map((m, i): GenerateMessage => {
    if (m.role === 'tool') {
      const call = open.shift();
      if (!call) refuse(`messages[${i}]`, `messages[${i}]: a tool message must follow an assistant tool call`);
      if (m.tool_name !== undefined && m.tool_name !== call.name)
        refuse(
          `messages[${i}].tool_name`,
          `messages[${i}].tool_name is ${m.tool_name}, but the call it answers is ${call.name}`,
        );
      return { role: 'tool', content: m.content, tool_call_id: call.id };
    }
    if (m.tool_name !== undefined)
      refuse(`messages[${i}].tool_name`, `messages[${i}]: tool_name belongs on tool messages`);
    const calls = (m.tool_calls ?? []).map((c, n) => ({
      id: `call_${i}_${n}`,
      name: c.function.name,
      arguments: JSON.stringify(c.function.arguments),
    }));
    if (calls.length === 0) return { role: m.role, content: m.content };
    if (m.role !== 'assistant')
      refuse(`messages[${i}].tool_calls`, `messages[${i}]: only assistant messages make calls`);
    if (open.length > 0)
      refuse(`messages[${i}]`, `messages[${i}]: the tool call ${open[0]!.name} before it has no tool message`);
    open.push(...calls);
    return { role: 'assistant', content: m.content, tool_calls: calls };
  });
  if (open.length > 0) refuse('messages', `the tool call ${open[0]!.name} has no tool message with its result`);
  return prompt;
}

/** Runtime tool calls as Ollama's `tool_calls`: arguments as an object, each call with its index. */
export function toOllamaToolCalls(calls: readonly ToolCall[]): OllamaToolCall[] {
  return calls.map((call, index) => {
    let args: unknown;
    try {
      args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch {
      args = {};
    }
    const object = typeof args === 'object' && args !== null && !Array.isArray(args) ? args : { value: args };
    return { function: { index, name: call.name, arguments: object as Record<string, unknown> } };
  });
}
