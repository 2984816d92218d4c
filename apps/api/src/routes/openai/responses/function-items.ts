/**
 * Function calls and their outputs in stored chats. A chat message holds text, so a reply with function calls is
 * stored as its text followed by one JSON line per call (`{"type":"function_call","call_id",…}`), and the outputs a
 * client sends back as a user message of `{"type":"function_call_output","call_id","output"}` lines: OpenAI's own
 * item shapes, readable and searchable in the web app, and read back into calls and results for the next turn.
 */
import type { GenerateMessage, ToolCall } from '@chat-studio/llm-runtime';
import { refuse } from '../endpoint-support/index.js';

/** The output of one function call, as a client sends it back. */
export interface FunctionOutput {
  call_id: string;
  output: string;
}

/** A chat message from a Responses `input` or from storage, with the function calls or outputs it carries. */
export interface InputMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** On an assistant message: the function calls it made (`content` is what it said besides). */
  toolCalls?: ToolCall[];
  /** On a user message: function call outputs (then `content` is empty until stored). */
  toolOutputs?: FunctionOutput[];
}

type Line = Record<string, unknown>;

const str = (value: unknown): value is string => typeof value === 'string';

function callLine(line: Line): ToolCall | undefined {
  const { type, call_id: id, name, arguments: args } = line;
  return type === 'function_call' && str(id) && str(name) && str(args) ? { id, name, arguments: args } : undefined;
}

function outputLine(line: Line): FunctionOutput | undefined {
  const { type, call_id, output } = line;
  return type === 'function_call_output' && str(call_id) && str(output) ? { call_id, output } : undefined;
}

function parseLine(text: string): Line | undefined {
  if (!text.startsWith('{"type":"function_call')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Line) : undefined;
  } catch {
    return undefined;
  }
}

/** The stored text of a message: its text, then one JSON line per function call or output. */
export function storedContent(message: InputMessage): string {
  const lines = [
    ...(message.toolCalls ?? []).map((c) =>
      JSON.stringify({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.arguments }),
    ),
    ...(message.toolOutputs ?? []).map((o) =>
      JSON.stringify({ type: 'function_call_output', call_id: o.call_id, output: o.output }),
    ),
  ];
  return [...(message.content === '' ? [] : [message.content]), ...lines].join('\n');
}

/** A stored message read back: trailing function-call lines of a reply, or a user message of only output lines. */
export function fromStored(role: InputMessage['role'], content: string): InputMessage {
  const lines = content.split('\n');
  if (role === 'assistant') {
    const calls: ToolCall[] = [];
    while (lines.length > 0) {
      const line = parseLine(lines.at(-1)!);
      const call = line && callLine(line);
      if (!call) break;
      calls.unshift(call);
      lines.pop();
    }
    return calls.length ? { role, content: lines.join('\n'), toolCalls: calls } : { role, content };
  }
  if (role === 'user') {
    const outputs = lines.map((text) => {
      const line = parseLine(text);
      return line && outputLine(line);
    });
    if (outputs.length > 0 && outputs.every((o) => o !== undefined))
      return { role, content: '', toolOutputs: outputs as FunctionOutput[] };
  }
  return { role, content };
}

/**
 * Checks the request's input before anything is stored: every output answers a call made earlier (in the input or
 * the previous response), and every call of the previous response and the input is answered.
 */
export function assertCallsAnswered(previous: InputMessage | undefined, input: readonly InputMessage[]): void {
  const open = new Map<string, string>();
  for (const call of previous?.toolCalls ?? []) open.set(call.id, 'previous_response_id');
  input.forEach((message, i) => {
    for (const call of message.toolCalls ?? []) open.set(call.id, `input[${i}]`);
    for (const output of message.toolOutputs ?? []) {
      if (!open.has(output.call_id))
        refuse(
          'input',
          `input: the function_call_output for ${JSON.stringify(output.call_id)} answers no function call`,
        );
      open.delete(output.call_id);
    }
  });
  for (const [id, where] of open)
    refuse(
      'input',
      `input: no function_call_output answers the function call ${JSON.stringify(id)} (from ${where}); send its output`,
    );
}

/**
 * The prompt for the runtime: calls on assistant messages, outputs as `tool` messages. A call or output without its
 * partner (history cut by the history limit, or text that only looks like a call) is plain text.
 */
export function toPrompt(messages: readonly InputMessage[]): GenerateMessage[] {
  const answered = new Set(messages.flatMap((m) => (m.toolOutputs ?? []).map((o) => o.call_id)));
  const called = new Set<string>();
  const prompt: GenerateMessage[] = [];
  for (const m of messages) {
    const calls = m.toolCalls ?? [];
    const outputs = m.toolOutputs ?? [];
    if (calls.length && calls.every((c) => answered.has(c.id))) {
      for (const c of calls) called.add(c.id);
      prompt.push({ role: 'assistant', content: m.content, tool_calls: calls });
    } else if (outputs.length && outputs.every((o) => called.has(o.call_id))) {
      for (const o of outputs) prompt.push({ role: 'tool', content: o.output, tool_call_id: o.call_id });
    } else {
      prompt.push({ role: m.role, content: calls.length || outputs.length ? storedContent(m) : m.content });
    }
  }
  return prompt;
}
